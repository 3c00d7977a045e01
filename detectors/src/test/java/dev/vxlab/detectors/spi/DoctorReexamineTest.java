package dev.vxlab.detectors.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.Mutation;
import dev.vxlab.detectors.testkit.Mutations;
import dev.vxlab.detectors.testkit.Target;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Doctor#reexamine} keeps the findings of the detectors that read none of the changed parts: over random
 * corruptions and repairs of random nodes it must find exactly what examining everything finds, which holds only while
 * every built-in detector's {@link Detector#reads()} names all it reads. Seeded: {@code -Dvxlab.seed=N} replays.
 */
class DoctorReexamineTest {
    private static final Doctor DOCTOR = Doctor.load();
    private static final int TRIALS = 120;

    @Test
    void reexaminingTheChangedPartsFindsWhatExaminingEverythingFinds() {
        long seed = Long.getLong("vxlab.seed", new Random().nextLong());
        System.out.println("DoctorReexamineTest seed=" + seed + " (replay with -Dvxlab.seed=" + seed + ")");
        Random random = new Random(seed);
        List<ClusterPlan> plans = List.of(ClusterPlan.field(5),
                ClusterPlan.of(4, "192.168.50.0/24", 10, "10.244.0.0/16", 24, 7L));
        int skipped = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            HealthyNodes cluster = HealthyNodes.of(plans.get(random.nextInt(plans.size()))
                    .withSeed(random.nextLong()));
            String node = cluster.names().get(random.nextInt(cluster.names().size()));
            Target target = new Target(cluster, node);
            NodeState before = corrupt(random, target, cluster.state(node), random.nextInt(3));
            NodeState after = corrupt(random, target, random.nextInt(4) == 0 ? cluster.state(node) : before,
                    1 + random.nextInt(2));
            Set<StatePart> changed = StatePart.changed(before, after);
            Doctor.Examination last = DOCTOR.examineEach(cluster.input(node, before));
            Doctor.Examination again = DOCTOR.reexamine(cluster.input(node, after), last, changed);
            assertThat(again.diagnosis()).as("seed %d trial %d on %s: %s changed", seed, trial, node, changed)
                    .isEqualTo(DOCTOR.examine(cluster.input(node, after)));
            skipped += DOCTOR.detectors().size() - again.ran();
        }
        assertThat(skipped).as("detectors whose findings were reused").isPositive();
    }

    private static NodeState corrupt(Random random, Target target, NodeState state, int mutations) {
        NodeState s = state;
        for (int i = 0; i < mutations; i++) {
            Mutation m = Mutations.random(random, target);
            s = m.apply(s, target);
        }
        return s;
    }

    @Test
    void anUnchangedStateRunsOnlyTheFallbacks() {
        HealthyNodes cluster = HealthyNodes.of(ClusterPlan.field(3));
        String node = cluster.names().getFirst();
        Doctor.Examination last = DOCTOR.examineEach(cluster.input(node));
        Doctor.Examination again = DOCTOR.reexamine(cluster.input(node), last, Set.of());
        assertThat(again.ran()).isEqualTo(DOCTOR.detectors().stream().filter(Detector::fallback).count());
        assertThat(again.byDetector()).isEqualTo(last.byDetector());
        assertThat(last.ran()).isEqualTo(DOCTOR.detectors().size());
    }
}
