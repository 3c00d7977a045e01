package dev.vxlab.lab.flannel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.fault.FaultCatalog;
import dev.vxlab.lab.spec.ClusterSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the property suites (kernel tier, seed 1128092420689065028): cni0 without a MAC of its own took its lowest
 * port's, so detaching that pod's veth changed cni0's MAC and the other pods on the node, still sending to the old
 * gateway MAC, timed out until ARP noticed. The CNI bridge plugin sets the MAC; so does the lab now.
 */
@Kernel
class BridgeMacTest {
    private static final ClusterSpec SPEC = ClusterSpec.field(2);

    @TempDir
    Path dir;

    @Test
    void cni0KeepsItsOwnMacWhenAPortLeaves() throws Exception {
        String node = SPEC.nodes().getFirst().name();
        try (Lab lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir))) {
            ClusterNode n = lab.cluster().node(node);
            String before = mac(n);
            assertThat(before).isEqualTo(FlannelEmulation.bridgeMac(SPEC.nodes().getFirst().bridgeAddress().address()))
                    .isEqualTo("0a:58:0a:bb:00:01");

            for (var pod : SPEC.podsOn(node)) {
                lab.inject(FaultCatalog.create("bridge-port-detached", node, Map.of("pod", pod.name()), SPEC));
            }
            assertThat(mac(n)).as("cni0 with no port left").isEqualTo(before);
        }
    }

    private static String mac(ClusterNode node) throws Exception {
        String out = node.remote().run(List.of("cat", "/sys/class/net/cni0/address")).orThrow().stdout().strip();
        return out;
    }
}
