package dev.vxlab.nodedoctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.advertised.NodeListWriter;
import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.fix.builtin.NmUnmanagedDevices;
import dev.vxlab.detectors.spi.FixIds;
import dev.vxlab.detectors.testkit.FlannelNamespace;
import dev.vxlab.detectors.testkit.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone node doctor on a flannel node in a real namespace (its peers exist only in the NodeList): it finds
 * the node healthy, names a deleted route, applies the fix through the actuator, and its verification connects to
 * the peers from inside the namespace (no peer answers here, so the fix is honestly not proven, and the path walk then
 * names the underlay neighbors nobody answered).
 */
@Kernel
class NodeDoctorKernelTest {
    @TempDir
    Path dir;
    private FlannelNamespace node;
    private Path nodes;

    @BeforeEach
    void create() throws Exception {
        String ns = "vxnd" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        node = FlannelNamespace.create(ns, 2);
        nodes = Files.writeString(dir.resolve("nodes.json"), NodeListWriter.defaults().write(node.view().nodes()));
    }

    @AfterEach
    void delete() {
        node.delete();
    }

    private Runs doctor(String... more) {
        List<String> argv = new java.util.ArrayList<>(List.of("--netns", node.namespace(), "--node-name",
                node.nodeName(), "--nodes", nodes.toString(), "--nm-config", dir.resolve("nm").toString()));
        argv.addAll(List.of(more));
        return Runs.of(argv.toArray(String[]::new));
    }

    @Test
    void namesADeletedRouteFixesItAndTriesEveryPeer() {
        Runs healthy = doctor("--json");
        assertThat(healthy.exit()).as(healthy.err()).isZero();
        assertThat(healthy.out()).contains("\"healthy\" : true");

        FlannelNamespace.run(List.of("ip", "-n", node.namespace(), "route", "del", node.peer(1).podCidr().toString()), "");
        Runs sick = doctor("--json");
        assertThat(sick.exit()).isEqualTo(NodeDoctorRun.FAILED);
        assertThat(sick.out()).contains("\"fault\" : \"missing-peer-route\"");

        Runs fixed = doctor("--fix", "--skip-fix", FixIds.FLANNEL_RESYNC, "--apply");
        assertThat(fixed.out()).contains("applied: ip route replace " + node.peer(1).podCidr())
                .contains("doctor after the fix: healthy")
                .contains("VXLAN round trips to the peers' flannel.1 addresses: 0/2")
                .contains("no answer: node " + node.peer(1).name());
        assertThat(fixed.exit()).as("no peer answers, so the fix is not proven").isEqualTo(NodeDoctorRun.FAILED);
        // The route is back; what the doctor still names is true here: the round trips asked ARP for the peers'
        // public IPs, nothing answered, and the walk of each peer's path dies at that underlay neighbor.
        Runs after = doctor("--json");
        assertThat(after.out()).doesNotContain("missing-peer-route").contains("\"fault\" : \"path-broken\"")
                .contains("dies at underlay neighbor");
    }

    @Test
    void theNetworkManagerDropInGoesWhereNmConfigSays() throws Exception {
        Path nm = dir.resolve("nm-dropin");
        NodeDoctor doctor = NodeDoctor.open(node.namespace(), node.nodeName(), nodes, null, nm);
        NodeAction write = new NodeAction.WriteFile(NmUnmanagedDevices.DROP_IN, NmUnmanagedDevices.CONTENT);
        List<String> done = doctor.apply(List.of(new FixPlan(FixIds.NM_UNMANAGED_DEVICES, node.nodeName(), List.of(),
                "drop-in", List.of(write))));
        assertThat(done).singleElement().asString().startsWith("cat > /etc/NetworkManager/conf.d/k8s.conf");
        assertThat(Files.readString(nm.resolve("conf.d/k8s.conf")))
                .contains("unmanaged-devices=").contains("interface-name:flannel*").contains("interface-name:cni0");
    }
}
