package dev.vxlab.detectors.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.testkit.FlannelNode;
import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.detectors.testkit.StillSnapshots;
import dev.vxlab.detectors.testkit.TestNetns;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A NetlinkSource reuses the last snapshot's records for what did not change: against a real kernel, an unchanged
 * namespace gives the very same records back, and after each kind of change the reused snapshot equals what a new
 * source reads.
 */
@Kernel
class NetlinkSourceReuseKernelTest {
    private final TestNetns lab = new TestNetns();
    private String ns;
    private Path file;
    private NetlinkSource source;

    @BeforeEach
    void programTheNode() throws Exception {
        ns = FlannelNode.build(lab).node();
        file = Path.of("/run/netns", ns);
        source = NetlinkSource.open(file);
    }

    @AfterEach
    void deleteTheNamespaces() {
        if (source != null) {
            source.close();
        }
        lab.close();
    }

    @Test
    void anUnchangedNamespaceGivesTheLastRecordsBack() throws Exception {
        NodeState first = source.snapshot();
        NodeState second = source.snapshot();
        // Devices that just came up still change by themselves for a while (multicast neighbors, carrier).
        for (int round = 0; round < 50 && !second.withoutCounters().equals(first.withoutCounters()); round++) {
            Thread.sleep(100);
            first = second;
            second = source.snapshot();
        }
        assertThat(second.addresses()).isSameAs(first.addresses());
        assertThat(second.routes()).isSameAs(first.routes());
        assertThat(second.neighbors()).isSameAs(first.neighbors());
        assertThat(second.fdb()).isSameAs(first.fdb());
        assertThat(second.rules()).isSameAs(first.rules());
        assertThat(second.sysctls()).isSameAs(first.sysctls());
        assertThat(second.links()).hasSameSizeAs(first.links());
        int same = 0;
        for (int i = 0; i < first.links().size(); i++) {
            Link before = first.links().get(i);
            Link after = second.links().get(i);
            if (after.counters().equals(before.counters())) {
                assertThat(after).as(before.name()).isSameAs(before);
                same++;
            } else { // only the counters are new
                assertThat(after.withoutCounters()).isEqualTo(before.withoutCounters());
                assertThat(after.master()).isSameAs(before.master());
                assertThat(after.vxlan()).isSameAs(before.vxlan());
            }
        }
        assertThat(same).as("links whose counters held still (lo at least)").isPositive();
        assertThat(second.withoutCounters()).isEqualTo(first.withoutCounters());
    }

    @Test
    void aReusedSnapshotEqualsANewSourcesAfterEachChange() throws Exception {
        NodeState before = source.snapshot();
        before = changed(before, "a neighbor's MAC", () -> lab.ip(ns, "neigh", "replace", "10.187.1.0", "lladdr",
                "02:00:00:00:00:01", "dev", "flannel.1", "nud", "permanent"));

        NodeState routeGone = changed(before, "a route deleted", () -> lab.ip(ns, "route", "del", "10.187.2.0/24"));
        List<Route> kept = before.routes();
        assertThat(routeGone.routes()).as("the routes left are the last snapshot's records")
                .allMatch(r -> kept.stream().anyMatch(k -> k == r));
        before = routeGone;

        before = changed(before, "an FDB entry added", () -> lab.bridge(ns, "fdb", "append", "02:00:00:00:00:77",
                "dev", "flannel.1", "dst", "172.31.159.77", "self", "permanent"));
        before = changed(before, "a link down", () -> lab.ip(ns, "link", "set", "veth3a5c1e07", "down"));
        before = changed(before, "a link's MTU", () -> lab.ip(ns, "link", "set", "cni0", "mtu", "1400"));
        before = changed(before, "a port left its bridge", () -> lab.ip(ns, "link", "set", "veth3a5c1e07",
                "nomaster"));
        before = changed(before, "an address added", () -> lab.ip(ns, "addr", "add", "10.187.0.9/24", "dev",
                "cni0"));
        before = changed(before, "an rp_filter", () -> lab.exec(ns, "sysctl", "-qw",
                "net.ipv4.conf.cni0.rp_filter=1"));
        before = changed(before, "a rule added", () -> lab.ip(ns, "rule", "add", "to", "10.9.0.0/16", "lookup",
                "100", "prio", "40"));
        before = changed(before, "a link added", () -> {
            lab.ip(ns, "link", "add", "vnew7", "type", "veth", "peer", "name", "vnew7p");
            lab.ip(ns, "addr", "add", "10.200.0.1/24", "dev", "vnew7");
        });
        // Its address, sysctls and the table's other names must follow the new name.
        before = changed(before, "a link renamed", () -> lab.ip(ns, "link", "set", "vnew7", "name", "vnew8"));
        assertThat(before.addressesOf("vnew8")).hasSize(1);
        assertThat(before.sysctls().rpFilter()).containsKey("vnew8").doesNotContainKey("vnew7");
        before = changed(before, "the underlay's MAC", () -> lab.ip(ns, "link", "set", "eth0", "address",
                "02:42:ac:1f:9f:77"));
        changed(before, "a link deleted", () -> lab.ip(ns, "link", "del", "vnew8"));
    }

    /**
     * Makes the change, then requires the reused snapshot to show it and to equal what a new source reads around it
     * (the kernel adds multicast neighbors by itself, so the three reads must hold still).
     */
    private NodeState changed(NodeState before, String change, Runnable makeIt) throws Exception {
        makeIt.run();
        StillSnapshots still = StillSnapshots.read(this::fresh, source);
        NodeState reused = still.inner();
        assertThat(reused.withoutCounters()).as(change + " shows").isNotEqualTo(before.withoutCounters());
        assertThat(reused.withoutCounters()).as(change).isEqualTo(still.before().withoutCounters());
        return reused;
    }

    /** A snapshot that reuses nothing. */
    private NodeState fresh() throws SnapshotException {
        try (NetlinkSource another = NetlinkSource.open(file)) {
            return another.snapshot();
        }
    }
}
