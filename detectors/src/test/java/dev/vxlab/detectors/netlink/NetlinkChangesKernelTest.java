package dev.vxlab.detectors.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.FlannelNode;
import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.detectors.testkit.TestNetns;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each request NetlinkChanges sends does what the same {@code ip} command does: two identical nodes, one changed
 * through NetlinkChanges and one through ip, read back the same; a change the kernel refuses throws its reason.
 */
@Kernel
class NetlinkChangesKernelTest {
    private final TestNetns lab = new TestNetns();
    private final TestNetns twin = new TestNetns();

    @AfterEach
    void deleteTheNamespaces() {
        lab.close();
        twin.close();
    }

    @Test
    void requestsMatchWhatIpDoes() throws Exception {
        String byRequest = FlannelNode.build(lab).node();
        String byIp = FlannelNode.build(twin).node();
        try (NetlinkChanges changes = NetlinkChanges.open(file(byRequest))) {
            int flannel = flannelIndex(byRequest);
            changes.setLinkAddress(flannel, MacAddress.parse("02:00:00:00:00:42"));
            changes.deleteRoute(Ipv4Prefix.parse("10.187.2.0/24"), flannel);
            changes.replacePermanentNeighbor(Ipv4.parse("10.187.1.0"), MacAddress.parse("02:00:00:00:01:01"), flannel);
            changes.addOnlinkRoute(Ipv4Prefix.parse("10.187.3.0/24"), Ipv4.parse("10.187.3.0"), flannel);
        }
        twin.ip(byIp, "link", "set", "flannel.1", "address", "02:00:00:00:00:42");
        twin.ip(byIp, "route", "del", "10.187.2.0/24", "dev", "flannel.1");
        twin.ip(byIp, "neigh", "replace", "10.187.1.0", "lladdr", "02:00:00:00:01:01", "dev", "flannel.1", "nud",
                "permanent");
        twin.ip(byIp, "route", "add", "10.187.3.0/24", "via", "10.187.3.0", "dev", "flannel.1", "onlink");

        NodeState changed = snapshot(byRequest);
        NodeState expected = snapshot(byIp);
        assertThat(flannel(changed).mac()).isEqualTo(flannel(expected).mac())
                .contains(MacAddress.parse("02:00:00:00:00:42"));
        assertThat(changed.routes()).isEqualTo(expected.routes());
        assertThat(changed.routes()).anyMatch(r -> r.dst().equals(Ipv4Prefix.parse("10.187.3.0/24")))
                .noneMatch(r -> r.dst().equals(Ipv4Prefix.parse("10.187.2.0/24")));
        assertThat(changed.neighbors()).isEqualTo(expected.neighbors());
        assertThat(changed.neighbors()).anyMatch(n -> n.ip().equals(Ipv4.parse("10.187.1.0"))
                && n.mac().equals(java.util.Optional.of(MacAddress.parse("02:00:00:00:01:01"))));
    }

    @Test
    void aRefusedChangeThrowsTheKernelsReason() throws Exception {
        String ns = FlannelNode.build(lab).node();
        try (NetlinkChanges changes = NetlinkChanges.open(file(ns))) {
            assertThatThrownBy(() -> changes.deleteRoute(Ipv4Prefix.parse("10.99.7.0/24"), flannelIndex(ns)))
                    .isInstanceOf(SnapshotException.class)
                    .hasMessageContaining("delete the route to 10.99.7.0/24")
                    .hasMessageContaining("No such process");
            // The socket stays usable after a refusal.
            changes.deleteRoute(Ipv4Prefix.parse("10.187.1.0/24"), flannelIndex(ns));
        }
        assertThat(snapshot(ns).routes()).noneMatch(r -> r.dst().equals(Ipv4Prefix.parse("10.187.1.0/24")));
    }

    private static Path file(String ns) {
        return Path.of("/run/netns", ns);
    }

    private static NodeState snapshot(String ns) throws SnapshotException {
        try (NetlinkSource source = NetlinkSource.open(file(ns))) {
            return source.snapshot();
        }
    }

    private static int flannelIndex(String ns) throws SnapshotException {
        return flannel(snapshot(ns)).index();
    }

    private static Link flannel(NodeState state) {
        return state.links().stream().filter(l -> l.name().equals("flannel.1")).findFirst().orElseThrow();
    }
}
