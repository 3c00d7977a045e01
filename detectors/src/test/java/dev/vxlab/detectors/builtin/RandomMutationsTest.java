package dev.vxlab.detectors.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.Mutation;
import dev.vxlab.detectors.testkit.Mutations;
import dev.vxlab.detectors.testkit.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random subsets of mutations on random nodes of random clusters: every applied mutation's fault is reported on its
 * node and device unless a root cause hides it by rule, nothing else is reported there, and untouched nodes report
 * nothing. Plain JUnit with java.util.Random: the seed is printed, and {@code -Dvxlab.seed=N} replays a run.
 */
class RandomMutationsTest {
    private static final Doctor DOCTOR = Doctor.load();
    private static final int TRIALS = 400;

    @Test
    void everyMutationIsReportedOnItsNodeAndNothingElse() {
        long seed = Long.getLong("vxlab.seed", new Random().nextLong());
        System.out.println("RandomMutationsTest seed=" + seed + " (replay with -Dvxlab.seed=" + seed + ")");
        Random random = new Random(seed);
        List<ClusterPlan> plans = Plans.all();
        int reportedFindings = 0;
        int hiddenByRootCause = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            ClusterPlan plan = plans.get(random.nextInt(plans.size()))
                    .withNodes(2 + random.nextInt(7)).withSeed(random.nextLong());
            HealthyNodes cluster = HealthyNodes.of(plan);
            List<String> names = cluster.names();
            // Mutate some nodes, always leaving at least one untouched.
            int mutatedNodes = 1 + random.nextInt(names.size() - 1);
            Map<String, List<Mutation>> applied = new HashMap<>();
            List<String> shuffled = new ArrayList<>(names);
            java.util.Collections.shuffle(shuffled, random);
            for (String node : shuffled.subList(0, mutatedNodes)) {
                applied.put(node, pick(random, new Target(cluster, node), 1 + random.nextInt(5)));
            }
            for (String node : names) {
                Target t = new Target(cluster, node);
                List<Mutation> mutations = applied.getOrDefault(node, List.of());
                NodeState s = cluster.state(node);
                for (Mutation m : mutations) {
                    s = m.apply(s, t);
                }
                Diagnosis d = DOCTOR.examine(cluster.input(node, s));
                List<String> reported = d.findings().stream().map(Mutation::key).distinct().sorted().toList();
                assertThat(reported)
                        .as("seed %d trial %d, %s on %s, mutations %s; findings %s", seed, trial, plan, node,
                                mutations, d.findings())
                        .isEqualTo(Mutation.expectedFindings(mutations, t));
                assertThat(d.healthy()).isEqualTo(d.findings().stream().noneMatch(f -> f.severity().impairsTraffic()));
                reportedFindings += reported.size();
                hiddenByRootCause += (int) mutations.stream().flatMap(m -> m.expected(t).stream())
                        .map(e -> Mutation.key(e.fault(), e.device())).distinct()
                        .filter(k -> !reported.contains(k)).count();
            }
        }
        // Not vacuous: many faults were checked, and the root-cause rules were exercised.
        assertThat(reportedFindings).isGreaterThan(TRIALS);
        assertThat(hiddenByRootCause).isPositive();
        System.out.println("RandomMutationsTest: " + reportedFindings + " findings matched, " + hiddenByRootCause
                + " hidden by a root cause");
    }

    /** Up to {@code count} random mutations of the node, no two that could erase each other's evidence. */
    private static List<Mutation> pick(Random random, Target t, int count) {
        List<Mutation> chosen = new ArrayList<>();
        for (int tries = 0; chosen.size() < count && tries < count * 10; tries++) {
            Mutation m = Mutations.random(random, t);
            if (chosen.stream().noneMatch(c -> c.conflictsWith(m) || m.conflictsWith(c))) {
                chosen.add(m);
            }
        }
        return chosen;
    }
}
