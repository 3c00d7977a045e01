package dev.vxlab.scenarios.property;

import dev.vxlab.lab.spec.ClusterSpec;

/** A cluster to build: an address plan and a node count (2 to 6 in generated cases). */
public record ClusterShape(AddressPlan plan, int nodes) {
    public static final int MIN_NODES = 2;
    public static final int MAX_NODES = 6;

    public ClusterShape {
        if (nodes < MIN_NODES || nodes > MAX_NODES) {
            throw new IllegalArgumentException("a generated cluster has " + MIN_NODES + " to " + MAX_NODES
                    + " nodes, not " + nodes);
        }
    }

    public ClusterSpec spec() {
        return plan.spec(nodes);
    }

    public ClusterShape withNodes(int n) {
        return new ClusterShape(plan, n);
    }

    /** Any plan, 2 to 6 nodes. */
    public static Generator<ClusterShape> generator() {
        return rng -> new ClusterShape(rng.pick(AddressPlan.ALL), rng.between(MIN_NODES, MAX_NODES));
    }

    @Override
    public String toString() {
        return nodes + " nodes on the " + plan.name() + " plan (" + plan.underlay() + ", pods " + plan.podNetwork()
                + ", port " + plan.vxlanPort() + ", mtu " + plan.underlayMtu() + ")";
    }
}
