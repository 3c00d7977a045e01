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

    /** A peer by node name, IP or index; the sentence lists the peers otherwise. */
    public AdvertisedNode peer(String nameOrIndex) {
        String name;
        try {
            name = spec.node(nameOrIndex).name();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("peer=" + nameOrIndex + ": " + e.getMessage(), e);
        }
        return peers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("peer=" + nameOrIndex + " is the node itself; pick another node"));
    }

    /** Some peer other than the given one (the next in order), for faults that mix two peers up. */
    public AdvertisedNode otherPeer(AdvertisedNode peer) {
        List<AdvertisedNode> peers = peers();
        if (peers.size() < 2) {
            throw new IllegalArgumentException("this fault needs a cluster of at least 3 nodes");
        }
        return peers.get((peers.indexOf(peer) + 1) % peers.size());
    }

    public String vtep() {
        return spec.vtepDevice();
    }
}
