package dev.vxlab.detectors.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.netlink.ChangeEvent;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The warm-up rehearses the field's faults: its made-up events make the doctor name them (so their paths get
 * compiled), every fault is followed by its repair, and the loop ends healthy and in step with the node.
 */
class RehearsalTest {
    private final HealthyNodes cluster = HealthyNodes.of(ClusterPlan.of(3, "192.168.50.0/24", 10, "10.244.0.0/16",
            24, 7L));
    private final String name = cluster.names().getFirst();
    private final NodeState healthy = cluster.state(name);

    @Test
    void theScenesNameTheFieldsFaultsAndRepairThem() throws Exception {
        ProbeLoop loop = new ProbeLoop(name, () -> healthy, Doctor.load(), cluster.view());
        assertThat(loop.iterate(true).diagnosis().findings()).isEmpty();
        Set<String> named = new HashSet<>();
        List<List<ChangeEvent>> scenes = Rehearsal.scenes(healthy);
        assertThat(scenes).hasSizeGreaterThan(2);
        for (int i = 0; i < scenes.size(); i += 2) {
            ProbeLoop.Iteration fault = loop.iterate(scenes.get(i));
            assertThat(fault.delta()).as("scene %d is a delta pass: %s", i, scenes.get(i)).isTrue();
            fault.appeared().stream().map(Finding::fault).forEach(named::add);
            ProbeLoop.Iteration repair = loop.iterate(scenes.get(i + 1));
            assertThat(repair.diagnosis().findings()).as("after the repair of %s", scenes.get(i)).isEmpty();
        }
        assertThat(named).contains(FaultIds.VTEP_MAC_DRIFT, FaultIds.MISSING_PEER_ROUTE);
    }

    @Test
    void aRehearsalEndsWithAFullPassOverAHealthyNode() throws Exception {
        ProbeLoop loop = new ProbeLoop(name, () -> healthy, Doctor.load(), cluster.view());
        Rehearsal.run(loop, 200);
        assertThat(loop.fullPasses() + loop.deltaPasses()).isEqualTo(200);
        assertThat(loop.deltaPasses()).isBetween(90L, 100L);
        ProbeLoop.Iteration next = loop.iterate(false);
        assertThat(next.appeared()).isEmpty();
        assertThat(next.diagnosis().findings()).isEmpty();
    }
}
