package dev.vxlab.detectors.fix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FixIds;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.KernelEdits;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestoreMtuTest {

    /**
     * Found by the property suites (kernel tier, seed -518786798352799944): eth0 made smaller and flannel.1 re-created
     * over it (the kernel gave it eth0 - 50). Only flannel.1 disagrees with FLANNEL_MTU, but raising it alone is refused
     * by the kernel: the plan raises eth0 first.
     */
    @Test
    void raisingFlannelRaisesATooSmallUnderlayFirst() {
        HealthyNodes cluster = HealthyNodes.of(ClusterPlan.field(3));
        String node = cluster.names().getFirst();
        NodeState s = KernelEdits.setMtu(KernelEdits.setMtu(cluster.state(node), "eth0", 1400), "flannel.1", 1350);
        DetectionInput input = cluster.input(node, s);

        List<FixPlan> plans = FixPlanner.load().plan(Doctor.load().examine(input), input);

        assertThat(plans).filteredOn(p -> p.fix().equals(FixIds.RESTORE_MTU)).singleElement()
                .extracting(p -> p.steps().stream().map(step -> step.render(node)).toList())
                .isEqualTo(List.of("ip link set dev eth0 mtu 1500", "ip link set dev flannel.1 mtu 1450"));
    }
}
