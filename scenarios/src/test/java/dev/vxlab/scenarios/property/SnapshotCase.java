package dev.vxlab.scenarios.property;

import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.Mutation;
import dev.vxlab.detectors.testkit.Mutations;
import dev.vxlab.detectors.testkit.Target;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A model-tier case: a generated cluster of healthy snapshots ({@link HealthyNodes}) and 1 to 4 corruptions of them
 * as the kernel would show them ({@link Mutation}s from the detectors' testkit), each on one node.
 */
record SnapshotCase(ClusterPlan plan, List<Placed> mutations) {

    /** A mutation and the node it corrupts. */
    record Placed(String node, Mutation mutation) {
        @Override
        public String toString() {
            return mutation + "@" + node;
        }
    }

    SnapshotCase {
        mutations = List.copyOf(mutations);
    }

    /** The address plans of the model tier: the field's (kernel 4.19), common defaults, a /16 underlay, jumbo frames. */
    static List<ClusterPlan> plans(long seed) {
        return List.of(
                ClusterPlan.field(5),
                ClusterPlan.field(5).withKernel(ClusterPlan.Kernel.RECENT),
                ClusterPlan.of(3, "192.168.56.0/24", 10, "10.244.0.0/16", 24, seed),
                ClusterPlan.of(3, "10.0.2.0/24", 15, "10.42.0.0/16", 24, seed).withKernel(ClusterPlan.Kernel.OLD),
                ClusterPlan.of(3, "172.20.0.0/16", 200, "10.200.0.0/16", 24, seed),
                ClusterPlan.of(3, "192.168.100.0/24", 2, "100.96.0.0/16", 24, seed).withUnderlayMtu(9000),
                new ClusterPlan("worker-", 3, Ipv4Prefix.parse("10.10.0.0/24"), 1, 1500,
                        Ipv4Prefix.parse("10.20.0.0/16"), 26, 1, ClusterPlan.Kernel.RECENT,
                        dev.vxlab.detectors.spi.FlannelConfig.DEFAULT, false, seed));
    }

    static final Generator<SnapshotCase> GENERATOR = rng -> {
        ClusterPlan plan = rng.pick(plans(rng.nextLong())).withNodes(rng.between(2, 6));
        HealthyNodes cluster = HealthyNodes.of(plan);
        Random random = new Random(rng.nextLong());
        int wanted = rng.between(1, 4);
        List<Placed> placed = new ArrayList<>();
        for (int tries = 0; placed.size() < wanted && tries < 40; tries++) {
            String node = rng.pick(cluster.names());
            Mutation m = Mutations.random(random, new Target(cluster, node));
            boolean conflicts = placed.stream().anyMatch(p -> p.node().equals(node)
                    && (p.mutation().conflictsWith(m) || m.conflictsWith(p.mutation())));
            if (!conflicts) {
                placed.add(new Placed(node, m));
            }
        }
        return new SnapshotCase(plan, placed);
    };

    @Override
    public String toString() {
        return mutations + " on " + plan.nodes() + " nodes " + plan.underlay() + " pods " + plan.podNetwork() + " kernel "
                + plan.kernel() + " mtu " + plan.underlayMtu() + " seed " + plan.seed();
    }
}
