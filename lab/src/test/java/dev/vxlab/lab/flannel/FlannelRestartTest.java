package dev.vxlab.lab.flannel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.fault.FaultCatalog;
import dev.vxlab.lab.spec.ClusterSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Kernel
class FlannelRestartTest {
    private static final ClusterSpec SPEC = ClusterSpec.field(3);

    @TempDir
    Path dir;

    /**
     * Found by the property suites (kernel tier): the doctor heals node by node, so one node's flanneld restarts while
     * a peer still has no flannel.1. That restart must not fail on the peer; the peer's own restart programs it.
     */
    @Test
    void aRestartSkipsAPeerWithoutItsVxlanDeviceAndThatPeersRestartHealsIt() throws Exception {
        String node0 = SPEC.nodes().get(0).name();
        String node1 = SPEC.nodes().get(1).name();
        try (Lab lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir))) {
            lab.inject(FaultCatalog.create("vxlan-device-recreated", node0, Map.of(), SPEC));
            lab.inject(FaultCatalog.create("vxlan-device-deleted", node1, Map.of(), SPEC));

            var restart0 = lab.restartFlanneld(node0);
            assertThat(restart0.republishedNewMac()).isTrue();
            assertThat(restart0.commands()).contains(node1 + ": no flannel.1 to program (its flanneld programs it when"
                    + " it starts)");
            lab.restartFlanneld(node1);

            assertThat(lab.matrix(Duration.ofMillis(800)).failures()).isEmpty();
        }
    }

    /** The same with the peer's flannel.1 down: neighbor and FDB entries are programmed, the onlink route cannot be. */
    @Test
    void aRestartDoesNotFailOnAPeerWhoseVxlanDeviceIsDown() throws Exception {
        String node0 = SPEC.nodes().get(0).name();
        String node1 = SPEC.nodes().get(1).name();
        try (Lab lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir))) {
            lab.inject(FaultCatalog.create("vxlan-device-recreated", node0, Map.of(), SPEC));
            lab.inject(FaultCatalog.create("link-down", node1, Map.of(), SPEC));

            var restart0 = lab.restartFlanneld(node0);
            assertThat(restart0.commands()).anyMatch(c -> c.startsWith(node1 + ": flannel.1 is down, route not added"));
            lab.restartFlanneld(node1);

            assertThat(lab.matrix(Duration.ofMillis(800)).failures()).isEmpty();
        }
    }

    /**
     * Found by the property suites (kernel tier, seed 1922642419422461052): with eth0 made smaller, a restart that
     * re-creates flannel.1 takes the kernel's MTU (eth0 - 50), as flanneld does, instead of failing on 1450.
     */
    @Test
    void aRecreatedDeviceTakesTheUnderlayMtuMinusTheOverhead() throws Exception {
        String node0 = SPEC.nodes().get(0).name();
        try (Lab lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir))) {
            lab.inject(FaultCatalog.create("mtu-reset", node0, Map.of("mtu", "1449"), SPEC));
            lab.inject(FaultCatalog.create("vxlan-device-deleted", node0, Map.of(), SPEC));

            lab.restartFlanneld(node0);

            String link = lab.cluster().node(node0).remote().run("ip", "-o", "link", "show", "dev", "flannel.1")
                    .orThrow().stdout();
            assertThat(link).contains(" mtu 1399 ");
        }
    }
}
