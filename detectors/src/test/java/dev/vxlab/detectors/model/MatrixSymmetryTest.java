package dev.vxlab.detectors.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.Mutation;
import dev.vxlab.detectors.testkit.Mutations;
import dev.vxlab.detectors.testkit.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The matrix shares one walk among flows {@link NodeSymmetry} calls equivalent; this checks that against the
 * reference (every flow played) on seeded random clusters with faults from the testkit's mutations (MAC drift,
 * missing routes, firewall drops, links down, ...), and that equivalent flows' conversations have the same shape hop by
 * hop (what a renaming cannot change: packets, steps, verdict causes). A failing case is shrunk to the fewest faults
 * and nodes that still fail before it is reported.
 */
class MatrixSymmetryTest {
    private static final int CASES = Integer.getInteger("vxlab.matrix.cases", 150);

    /** A cluster plan and the faults placed on it. */
    record Case(ClusterPlan plan, List<Placed> faults) {
        @Override
        public String toString() {
            return faults + " on " + plan.nodes() + " nodes, underlay " + plan.underlay() + ", pods " + plan.podNetwork()
                    + ", seed " + plan.seed();
        }
    }

    record Placed(String node, Mutation mutation) {
        @Override
        public String toString() {
            return mutation + "@" + node;
        }
    }

    private static List<ClusterPlan> plans(long seed) {
        return List.of(
                ClusterPlan.field(5),
                ClusterPlan.field(5).withKernel(ClusterPlan.Kernel.RECENT),
                ClusterPlan.of(8, "192.168.56.0/24", 10, "10.244.0.0/16", 24, seed),
                ClusterPlan.of(8, "172.20.0.0/16", 200, "10.200.0.0/16", 24, seed).withUnderlayMtu(9000),
                new ClusterPlan("worker-", 8, Ipv4Prefix.parse("10.10.0.0/24"), 1, 1500,
                        Ipv4Prefix.parse("10.20.0.0/16"), 26, 0, ClusterPlan.Kernel.RECENT,
                        dev.vxlab.detectors.spi.FlannelConfig.DEFAULT, false, seed));
    }

    static Case generate(Random random) {
        List<ClusterPlan> plans = plans(random.nextLong());
        ClusterPlan plan = plans.get(random.nextInt(plans.size()));
        plan = plan.withNodes(2 + random.nextInt(plan.nodes() - 1));
        HealthyNodes cluster = HealthyNodes.of(plan);
        List<Placed> faults = new ArrayList<>();
        int wanted = random.nextInt(4); // healthy clusters too: the whole matrix is then one or two classes
        for (int tries = 0; faults.size() < wanted && tries < 40; tries++) {
            String node = cluster.names().get(random.nextInt(cluster.names().size()));
            Mutation m = Mutations.random(random, new Target(cluster, node));
            boolean conflicts = faults.stream().anyMatch(p -> p.node().equals(node)
                    && (p.mutation().conflictsWith(m) || m.conflictsWith(p.mutation())));
            if (!conflicts) {
                faults.add(new Placed(node, m));
            }
        }
        return new Case(plan, faults);
    }

    @Test
    void sharedWalksGiveTheMatrixOfTheDirectWalk() {
        Random seeds = new Random(Long.getLong("vxlab.matrix.seed", 20261206L));
        int shared = 0;
        for (int i = 0; i < CASES; i++) {
            Case c = generate(new Random(seeds.nextLong()));
            Optional<String> failure = mismatch(c);
            if (failure.isPresent()) {
                Case minimal = shrink(c);
                assertThat(mismatch(minimal)).as("case " + i + ", shrunk to " + minimal + " (from " + c + ")")
                        .isEmpty();
            }
            shared += sharedFlows(c);
        }
        assertThat(shared).as("flows that did not need a walk of their own").isPositive();
    }

    @Test
    void aHealthyClusterNeedsAWalkPerHostStyleAndDestinationKindNotPerPair() {
        HealthyNodes cluster = HealthyNodes.of(ClusterPlan.of(60, "172.31.0.0/16", 19, "10.176.0.0/12", 24, 7L));
        Map<String, NodeState> states = states(cluster, List.of());
        DataplaneModel model = DataplaneModel.of(states, Map.of(), List.of());
        List<Flow> flows = flows(cluster);
        Map<NodeSymmetry.FlowKey, Boolean> keys = new HashMap<>();
        flows.forEach(f -> keys.put(model.symmetry().keyOf(f), true));
        assertThat(cluster.names()).allMatch(model.symmetry()::interchangeable);
        assertThat(keys.size()).as("walks for " + flows.size() + " flows").isLessThan(flows.size() / 20);
        assertThat(model.reachability(flows)).isEqualTo(model.reachabilityOneByOne(flows)); // long: shared walks
    }

    @Test
    void podsAndTheNodesTheyHangOffAreWalkedAsThemselves() {
        FlannelCluster cluster = FlannelCluster.synthetic(40);
        List<String> nodes = cluster.nodeNames();
        cluster.edit(nodes.get(7), FlannelCluster.link("flannel.1", FlannelCluster.withMac(FlannelCluster.DRIFTED)));
        DataplaneModel model = cluster.model();
        List<Flow> flows = new ArrayList<>();
        for (String from : model.namespaces()) {
            for (String to : nodes) {
                flows.add(new Flow(from, cluster.appIpOf(to), Transfer.LARGE_REPLY));
            }
        }
        assertThat(model.reachabilityShared(flows)).isEqualTo(model.reachabilityOneByOne(flows));
        assertThat(model.reachabilityOneByOne(flows).containsValue(false)).as("the drift breaks paths").isTrue();
        assertThat(nodes).noneMatch(model.symmetry()::interchangeable); // every node has pods attached
    }

    /** The first difference between the shared and the direct matrix, or between equivalent flows' shapes. */
    static Optional<String> mismatch(Case c) {
        HealthyNodes cluster = HealthyNodes.of(c.plan());
        Map<String, NodeState> states = states(cluster, c.faults());
        DataplaneModel model = DataplaneModel.of(states, Map.of(), List.of());
        List<Flow> flows = flows(cluster);
        Map<Flow, Boolean> shared = model.reachabilityShared(flows);
        Map<Flow, Boolean> direct = model.reachabilityOneByOne(flows);
        for (Flow flow : flows) {
            if (!shared.get(flow).equals(direct.get(flow))) {
                return Optional.of(flow + ": shared " + shared.get(flow) + ", direct "
                        + model.exchange(flow.source(), flow.destination(), flow.transfer()).render());
            }
        }
        Map<NodeSymmetry.FlowKey, Flow> representative = new HashMap<>();
        for (Flow flow : flows) {
            Flow first = representative.computeIfAbsent(model.symmetry().keyOf(flow), k -> flow);
            if (first != flow && !shape(model, first).equals(shape(model, flow))) {
                return Optional.of(flow + " is taken as equivalent to " + first + " but walks differently:\n"
                        + shape(model, flow) + "\n" + shape(model, first));
            }
        }
        return Optional.empty();
    }

    /** What renaming nodes, addresses and MACs leaves alone: each packet's label, its steps, how it ended. */
    private static List<String> shape(DataplaneModel model, Flow flow) {
        Exchange e = model.exchange(flow.source(), flow.destination(), flow.transfer());
        List<String> out = new ArrayList<>();
        out.add(String.valueOf(e.succeeded()));
        for (Trace t : e.packets()) {
            out.add(t.packet().label() + " " + t.packet().size() + " " + t.hops().stream().map(h -> h.step().name())
                    .toList() + " " + (t.verdict() instanceof Verdict.Dropped d ? d.cause() + " " + d.nextHopMtu()
                    : "delivered"));
        }
        return out;
    }

    private static int sharedFlows(Case c) {
        HealthyNodes cluster = HealthyNodes.of(c.plan());
        DataplaneModel model = DataplaneModel.of(states(cluster, c.faults()), Map.of(), List.of());
        List<Flow> flows = flows(cluster);
        return flows.size() - (int) flows.stream().map(model.symmetry()::keyOf).distinct().count();
    }

    private static Map<String, NodeState> states(HealthyNodes cluster, List<Placed> faults) {
        Map<String, NodeState> states = new LinkedHashMap<>();
        for (String node : cluster.names()) {
            states.put(node, cluster.state(node));
        }
        for (Placed p : faults) {
            states.put(p.node(), p.mutation().apply(states.get(p.node()), new Target(cluster, p.node())));
        }
        return states;
    }

    /** Every node to every node's flannel.1 and cni0 address and underlay IP, itself included; both transfers. */
    private static List<Flow> flows(HealthyNodes cluster) {
        List<Flow> flows = new ArrayList<>();
        for (String from : cluster.names()) {
            for (AdvertisedNode to : cluster.view().nodes()) {
                for (Transfer transfer : Transfer.values()) {
                    flows.add(new Flow(from, to.podCidr().network(), transfer));
                    flows.add(new Flow(from, to.podCidr().host(1), transfer));
                    flows.add(new Flow(from, to.publicIp(), transfer));
                }
            }
        }
        return flows;
    }

    /** Fewer faults while it still fails (one removed at a time), then fewer nodes. */
    static Case shrink(Case failing) {
        Case current = failing;
        boolean smaller = true;
        while (smaller) {
            smaller = false;
            for (int i = 0; i < current.faults().size(); i++) {
                List<Placed> fewer = new ArrayList<>(current.faults());
                fewer.remove(i);
                Case candidate = new Case(current.plan(), fewer);
                if (fails(candidate)) {
                    current = candidate;
                    smaller = true;
                    break;
                }
            }
        }
        for (int n = 2; n < current.plan().nodes(); n++) {
            Case fewerNodes = new Case(current.plan().withNodes(n), current.faults());
            if (fails(fewerNodes)) {
                return fewerNodes;
            }
        }
        return current;
    }

    private static boolean fails(Case c) {
        try {
            return mismatch(c).isPresent();
        } catch (RuntimeException doesNotBuild) {
            return false; // a fault's node is gone with fewer nodes
        }
    }
}
