package dev.vxlab.scenarios.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.Mutation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The model tier's own shrinker ({@link ModelTierTest#shrink}) on a planted failure: the property fails whenever a
 * VTEP MAC drift on the second node is among the mutations of a cluster of at least 3 nodes. The shrinker must drop
 * every other mutation and every node it can, and only ever try clusters that can be built.
 */
class ModelTierShrinkTest {
    private static final ClusterPlan PLAN = ClusterPlan.field(5);
    private static final List<String> NODES = HealthyNodes.of(PLAN).names();
    private static final SnapshotCase.Placed CULPRIT = new SnapshotCase.Placed(NODES.get(1),
            new Mutation.DriftVtepMac(MacAddress.parse("b6:9b:ed:b0:37:74")));

    private static boolean planted(SnapshotCase c) {
        return c.mutations().contains(CULPRIT) && c.plan().nodes() >= 3;
    }

    @Test
    void aPlantedFailureShrinksToItsOneMutationOnThreeNodes() {
        SnapshotCase failing = new SnapshotCase(PLAN, List.of(
                new SnapshotCase.Placed(NODES.get(4), new Mutation.DeleteVxlan()),
                new SnapshotCase.Placed(NODES.get(0), new Mutation.IpForwardOff()),
                CULPRIT,
                new SnapshotCase.Placed(NODES.get(2), new Mutation.DropRoute(NODES.get(3)))));
        List<SnapshotCase> tried = new ArrayList<>();
        Predicate<SnapshotCase> stillFails = c -> {
            tried.add(c);
            return planted(c);
        };

        SnapshotCase minimal = ModelTierTest.shrink(failing, stillFails);

        assertThat(minimal).isEqualTo(new SnapshotCase(PLAN.withNodes(3), List.of(CULPRIT)));
        assertThat(planted(minimal)).as("the minimal case still fails").isTrue();
        assertThat(tried).as("candidates with fewer nodes were tried").anyMatch(c -> c.plan().nodes() == 2);
        assertThat(tried).as("no candidate names a node its cluster lacks").allMatch(c -> c.mutations().stream()
                .allMatch(p -> HealthyNodes.of(c.plan()).names().contains(p.node())));
    }

    @Test
    void aCaseThatCannotShrinkIsReturnedAsItIs() {
        SnapshotCase failing = new SnapshotCase(PLAN.withNodes(3), List.of(CULPRIT));
        assertThat(ModelTierTest.shrink(failing, ModelTierShrinkTest::planted)).isEqualTo(failing);
    }
}
