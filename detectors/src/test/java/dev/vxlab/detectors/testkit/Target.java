package dev.vxlab.detectors.testkit;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import java.util.List;

/** The node a mutation corrupts, in its cluster. */
public record Target(HealthyNodes cluster, String node) {

    public AdvertisedNode self() {
        return cluster.node(node);
    }

    public AdvertisedNode peer(String name) {
        return cluster.node(name);
    }

    public List<AdvertisedNode> peers() {
        return cluster.view().nodes().stream().filter(n -> !n.name().equals(node)).toList();
    }

    public String vtep() {
        return cluster.plan().flannel().vtepDevice();
    }

    public String bridge() {
        return cluster.plan().flannel().bridgeDevice();
    }

    public boolean hasPods() {
        return cluster.plan().podsPerNode() > 0;
    }

    public List<String> veths() {
        return cluster.veths(node);
    }

    public int overlayMtu() {
        return cluster.plan().underlayMtu() - 50;
    }
}
