package dev.vxlab.lab.fault;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import java.util.List;

/** What a fault needs to render its commands: the cluster plan, the target node and the published leases. */
public record FaultContext(ClusterSpec spec, NodePlan node, List<AdvertisedNode> leases) {

    public FaultContext {
        leases = List.copyOf(leases);
    }

    /** Every lease but the target node's own. */
    public List<AdvertisedNode> peers() {
        return leases.stream().filter(l -> !l.name().equals(node.name())).toList();
    }

    public AdvertisedNode ownLease() {
        return leases.stream().filter(l -> l.name().equals(node.name())).findFirst().orElseThrow();
    }

    public String vtep() {
        return spec.vtepDevice();
    }
}
