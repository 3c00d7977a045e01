package dev.vxlab.detectors.fix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FixIds;
import dev.vxlab.detectors.state.NmFacts;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.KernelEdits;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The drop-in fix reloads NetworkManager's configuration, except where NetworkManager activated a device the drop-in
 * makes unmanaged: a reload then makes it deconfigure that device (seen with 1.42 on cni0), so it is restarted instead.
 */
class NmUnmanagedDevicesTest {
    private final HealthyNodes cluster = HealthyNodes.of(ClusterPlan.field(3));
    private final String node = cluster.names().getFirst();

    @Test
    void devicesOnlyFoundConfiguredAreReloadedOver() {
        assertThat(planFor(new NmFacts(true, true, List.of(), List.of("eth0"))))
                .containsExactly(writeStep(), "nmcli general reload conf");
    }

    @Test
    void anActivatedBridgeMeansARestart() {
        assertThat(planFor(new NmFacts(true, true, List.of(), List.of("eth0", "cni0"))))
                .containsExactly(writeStep(), "systemctl restart NetworkManager");
    }

    @Test
    void anActivatedPodVethMeansARestart() {
        assertThat(planFor(new NmFacts(true, true, List.of(), List.of("veth7ff5849b"))))
                .last().isEqualTo("systemctl restart NetworkManager");
    }

    @Test
    void aStoppedNetworkManagerReadsTheDropInWhenItStarts() {
        NmFacts stopped = new NmFacts(true, false, List.of(), List.of());
        NodeState s = KernelEdits.networkManager(cluster.state(node), stopped);
        DetectionInput input = cluster.input(node, s);
        // Nothing to fix where NetworkManager does not run: the detector names no risk.
        assertThat(FixPlanner.load().plan(Doctor.load().examine(input), input)).isEmpty();
    }

    private List<String> planFor(NmFacts nm) {
        NodeState s = KernelEdits.networkManager(cluster.state(node), nm);
        DetectionInput input = cluster.input(node, s);
        return FixPlanner.load().plan(Doctor.load().examine(input), input).stream()
                .filter(p -> p.fix().equals(FixIds.NM_UNMANAGED_DEVICES)).findFirst().orElseThrow()
                .steps().stream().map(step -> step.render(node)).toList();
    }

    private String writeStep() {
        return new dev.vxlab.detectors.action.NodeAction.WriteFile(
                dev.vxlab.detectors.fix.builtin.NmUnmanagedDevices.DROP_IN,
                dev.vxlab.detectors.fix.builtin.NmUnmanagedDevices.CONTENT).render(node);
    }
}
