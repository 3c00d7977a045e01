package dev.vxlab.detectors.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.netlink.ChangeEvent;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.KernelEdits;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The loop's diff and its counter baseline over prepared snapshots: a counter rise is compared with the last counter
 * pass, so event-driven passes in between neither hide it nor make it flicker.
 */
class ProbeLoopTest {
    private final HealthyNodes cluster = HealthyNodes.of(ClusterPlan.of(3, "192.168.50.0/24", 10, "10.244.0.0/16",
            24, 7L));
    private final String name = cluster.names().getFirst();
    private final NodeState healthy = cluster.state(name);
    private final Deque<NodeState> snapshots = new ArrayDeque<>();
    private final ProbeLoop loop = new ProbeLoop(name, snapshots::removeFirst, Doctor.load(), cluster.view());

    private ProbeLoop.Iteration pass(NodeState state, boolean counterPass) throws Exception {
        snapshots.add(state);
        return loop.iterate(counterPass);
    }

    private static List<String> faults(List<Finding> findings) {
        return findings.stream().map(Finding::fault).toList();
    }

    @Test
    void aHealthyNodeChangesNothing() throws Exception {
        assertThat(pass(healthy, true).changed()).isFalse();
        assertThat(pass(healthy, false).changed()).isFalse();
    }

    @Test
    void aCounterRiseStaysShownThroughEventPassesUntilATimerPassSeesNoRise() throws Exception {
        String vtep = cluster.plan().flannel().vtepDevice();
        NodeState dropped = KernelEdits.addOtherhostDrops(healthy, vtep, 5);
        pass(healthy, true);

        ProbeLoop.Iteration event = pass(dropped, false);
        assertThat(faults(event.appeared())).containsExactly(FaultIds.OTHERHOST_DROPS);
        assertThat(pass(dropped, false).changed()).as("another event pass, the baseline unchanged").isFalse();
        assertThat(pass(dropped, true).changed()).as("the timer pass still compares with the old baseline").isFalse();

        ProbeLoop.Iteration quiet = pass(dropped, true);
        assertThat(faults(quiet.cleared())).containsExactly(FaultIds.OTHERHOST_DROPS);
        assertThat(quiet.appeared()).isEmpty();
    }

    @Test
    void aFindingIsTheSameWhileItsFaultNodeAndDeviceAre() throws Exception {
        String vtep = cluster.plan().flannel().vtepDevice();
        pass(healthy, true);
        NodeState once = KernelEdits.addOtherhostDrops(healthy, vtep, 5);
        assertThat(faults(pass(once, true).appeared())).containsExactly(FaultIds.OTHERHOST_DROPS);
        ProbeLoop.Iteration more = pass(KernelEdits.addOtherhostDrops(once, vtep, 7), true);
        assertThat(more.diagnosis().findings()).singleElement().extracting(Finding::actual).asString().contains("+7");
        assertThat(more.changed()).as("new evidence for a fault already shown").isFalse();
    }

    @Test
    void eventsUpdateTheLastStateAndFindWhatAFullPassFinds() throws Exception {
        pass(healthy, true);
        Route gone = healthy.routesVia(cluster.plan().flannel().vtepDevice()).getFirst();
        ProbeLoop.Iteration delta = loop.iterate(List.of(new ChangeEvent.RouteChanged(gone.table(), gone.dst(), true,
                Optional.of(gone))));
        assertThat(delta.delta()).isTrue();
        assertThat(snapshots).as("no snapshot taken").isEmpty();
        NodeState without = KernelEdits.routes(healthy, r -> !r.equals(gone), List.of());
        assertThat(delta.state()).isEqualTo(without);
        assertThat(delta.diagnosis()).isEqualTo(Doctor.load().examine(cluster.input(name, without)
                .withPrevious(healthy)));
        assertThat(faults(delta.appeared())).contains(FaultIds.MISSING_PEER_ROUTE);
        assertThat(loop.deltaPasses()).isEqualTo(1);
        assertThat(loop.fullPasses()).isEqualTo(1);
    }

    @Test
    void eventsItCannotApplyMakeAFullPass() throws Exception {
        pass(healthy, true);
        snapshots.add(healthy);
        ProbeLoop.Iteration full = loop.iterate(List.of(new ChangeEvent.SysctlChanged(
                ChangeEvent.SysctlChanged.ALL)));
        assertThat(full.delta()).isFalse();
        assertThat(snapshots).as("the snapshot was taken").isEmpty();
        assertThat(loop.lastRefusal()).contains("sysctl");
        assertThat(loop.fullPasses()).isEqualTo(2);
    }
}
