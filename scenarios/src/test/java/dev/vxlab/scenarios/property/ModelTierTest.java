package dev.vxlab.scenarios.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.model.DataplaneModel;
import dev.vxlab.detectors.model.Exchange;
import dev.vxlab.detectors.model.Flow;
import dev.vxlab.detectors.model.Transfer;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.Target;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The model tier: thousands of generated clusters of snapshots, no kernel. For each case the healthy cluster has no
 * finding and the model delivers every node-to-node conversation (to each peer's cni0 address, through flannel.1
 * both ways, with a 19 KB reply) - property 1; then, with the case's corruptions applied, every conversation the model
 * says fails is explained by a finding on a node of its path whose fault accounts for the model's drop - property 2.
 * (Properties 3 and 4 need a kernel: {@link KernelTierTest}.)
 */
class ModelTierTest {
    private static final Doctor DOCTOR = Doctor.load();
    private static final int CASES = Integer.getInteger("vxlab.model.cases", 5000);

    @Test
    void generatedSnapshotsAreExplained() {
        Counts counts = new Counts();
        long started = System.nanoTime();
        var runner = PropertyRunner.of("model tier", SnapshotCase.GENERATOR, (SnapshotCase c) -> check(c, counts))
                .cases(CASES).shrinker(ModelTierTest::shrink);
        boolean passed = false;
        try {
            runner.run();
            passed = true;
        } finally {
            PropertyCounts.record(String.format("model tier: %d cases, %s, %d mutations, %d conversations traced,"
                            + " %d failed conversations explained, %.1f s", counts.cases, passed ? "0 failures"
                            : "1 failure", counts.mutations, counts.conversations, counts.explained,
                    (System.nanoTime() - started) / 1e9));
        }
        if (System.getProperty(PropertyRunner.SEED_PROPERTY) == null) { // a replay's one case may break nothing
            assertThat(counts.cases).isEqualTo(CASES);
            assertThat(counts.explained).as("the corruptions broke conversations").isPositive();
        }
    }

    static final class Counts {
        int cases;
        int mutations;
        int conversations;
        int explained;
    }

    /** Plans already found healthy (many cases share one: the field's plans have a fixed seed). */
    private static final Map<dev.vxlab.detectors.testkit.ClusterPlan, Boolean> HEALTHY_CHECKED =
            new java.util.concurrent.ConcurrentHashMap<>();

    static void check(SnapshotCase c, Counts counts) {
        HealthyNodes cluster = HealthyNodes.of(c.plan());
        Map<String, NodeState> healthy = new LinkedHashMap<>();
        for (String node : cluster.names()) {
            healthy.put(node, cluster.state(node));
        }
        if (!HEALTHY_CHECKED.containsKey(c.plan())) {
            for (String node : cluster.names()) {
                assertThat(DOCTOR.examine(input(cluster, node, healthy.get(node), healthy.get(node))).findings())
                        .as("property 1: healthy " + node + " of " + c).noneMatch(f -> f.severity().impairsTraffic());
            }
            assertThat(conversations(cluster, healthy).failed()).as("property 1: the model on a healthy cluster, " + c)
                    .extracting(Exchange::render).isEmpty();
            HEALTHY_CHECKED.put(c.plan(), true);
        }

        Map<String, NodeState> sick = new LinkedHashMap<>(healthy);
        for (SnapshotCase.Placed p : c.mutations()) {
            sick.put(p.node(), p.mutation().apply(sick.get(p.node()), new Target(cluster, p.node())));
        }
        List<Finding> findings = new ArrayList<>();
        for (String node : cluster.names()) {
            Diagnosis d = DOCTOR.examine(input(cluster, node, sick.get(node), healthy.get(node)));
            findings.addAll(d.findings());
        }
        StringBuilder unexplained = new StringBuilder();
        int explained = 0;
        Conversations played = conversations(cluster, sick);
        for (Exchange e : played.failed()) {
            if (Explanations.explaining(e, findings,
                    cluster.view().owning(e.destination()).map(n -> n.name())).isEmpty()) {
                unexplained.append('\n').append(e.render());
            } else {
                explained++;
            }
        }
        assertThat(unexplained.toString()).as("property 2: every failed conversation is explained under " + c
                + "; the doctor said " + findings.stream().filter(f -> f.severity().impairsTraffic())
                .map(f -> f.node() + " " + f.fault() + " " + f.device()).toList()).isEmpty();
        counts.cases++;
        counts.mutations += c.mutations().size();
        counts.conversations += played.total();
        counts.explained += explained;
    }

    /** What the doctor gets for a node: the current snapshot, the healthy one as the previous, subnet.env, the view. */
    private static DetectionInput input(HealthyNodes cluster, String node, NodeState current, NodeState previous) {
        return new DetectionInput(node, current, Optional.of(previous), cluster.view(),
                Optional.of(cluster.subnetEnv(node)), cluster.plan().flannel());
    }

    /** How many conversations were played, and the failed ones traced hop by hop. */
    private record Conversations(int total, List<Exchange> failed) {}

    /** From every node to every peer's cni0 address (its bridge address, host 1 of its subnet). */
    private static Conversations conversations(HealthyNodes cluster, Map<String, NodeState> states) {
        DataplaneModel model = DataplaneModel.of(states, Map.of(), List.of());
        List<Flow> flows = new ArrayList<>();
        for (String from : cluster.names()) {
            for (AdvertisedNode to : cluster.view().nodes()) {
                if (!to.name().equals(from)) {
                    flows.add(new Flow(from, to.podCidr().host(1), Transfer.LARGE_REPLY));
                }
            }
        }
        // reachability() does not record hops (fast); only the failures are played again, hop by hop, to explain them.
        List<Exchange> failed = new ArrayList<>();
        model.reachability(flows).forEach((flow, ok) -> {
            if (!ok) {
                failed.add(model.exchange(flow.source(), flow.destination(), flow.transfer()));
            }
        });
        return new Conversations(flows.size(), failed);
    }

    /** Whether every mutation's node (and peer) exists in the candidate's cluster. */
    private static boolean buildable(SnapshotCase c) {
        try {
            HealthyNodes cluster = HealthyNodes.of(c.plan());
            for (SnapshotCase.Placed p : c.mutations()) {
                p.mutation().apply(cluster.state(p.node()), new Target(cluster, p.node()));
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Delta debugging over the mutations, then fewer nodes; candidates that no longer build (a node gone) are skipped. */
    static SnapshotCase shrink(SnapshotCase failing, Predicate<SnapshotCase> stillFails) {
        Predicate<SnapshotCase> fails = c -> buildable(c) && stillFails.test(c);
        List<SnapshotCase.Placed> minimal = DeltaDebugging.minimize(failing.mutations(),
                l -> fails.test(new SnapshotCase(failing.plan(), l)));
        SnapshotCase current = new SnapshotCase(failing.plan(), minimal);
        for (int n = 2; n < failing.plan().nodes(); n++) {
            SnapshotCase fewer = new SnapshotCase(failing.plan().withNodes(n), minimal);
            if (fails.test(fewer)) {
                return fewer;
            }
        }
        return current;
    }
}
