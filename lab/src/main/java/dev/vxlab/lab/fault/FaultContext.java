package dev.vxlab.lab.fault;

import dev.vxlab.lab.flannel.Lease;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import java.util.List;

/** What a fault needs to render its commands: the cluster plan, the target node and the published leases. */
public record FaultContext(ClusterSpec spec, NodePlan node, List<Lease> leases) {

    public FaultContext {
        leases = List.copyOf(leases);
    }

    /** Every lease but the target node's own. */
    public List<Lease> peers() {
        return leases.stream().filter(l -> !l.node().equals(node.name())).toList();
    }

    public Lease ownLease() {
        return leases.stream().filter(l -> l.node().equals(node.name())).findFirst().orElseThrow();
    }

    public String vtep() {
        return spec.vtepDevice();
    }
}
