package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.source.CommandRunner;
import dev.vxlab.detectors.source.IpJsonSource;
import dev.vxlab.detectors.source.NmFactsSource;
import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.LinkCounters;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.RoutingRule;
import dev.vxlab.detectors.state.Scope;
import dev.vxlab.detectors.testkit.FlannelNode;
import dev.vxlab.detectors.testkit.StillSnapshots;
import dev.vxlab.detectors.testkit.TestNetns;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * NetlinkSource against a real kernel, inside the lab sandbox: a flannel-shaped node plus every other kind of entry
 * the contract covers (neighbor states, a second and an IPv6 vxlan, multipath, blackhole, prohibit, throw and
 * unreachable routes, tables above 255, scoped addresses, per-device rp_filter), read by netlink and by iproute2 and
 * required to be equal.
 */
@Kernel
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetlinkSourceKernelTest {
    private final TestNetns lab = new TestNetns();
    private FlannelNode node;
    private Path namespace;
    private NmFactsSource networkManager;
    private NetlinkSource netlink;
    private IpJsonSource ipJson;

    @BeforeAll
    void programTheNode(@TempDir Path etc) throws Exception {
        node = FlannelNode.build(lab);
        addEveryOtherKindOfEntry(node.node());
        namespace = Path.of("/run/netns", node.node());
        Files.createDirectories(etc.resolve("conf.d"));
        Files.writeString(etc.resolve("conf.d/k8s.conf"), "[keyfile]\nunmanaged-devices=interface-name:flannel*\n");
        networkManager = NmFactsSource.fromConfigDirectory(etc, () -> true);
        netlink = NetlinkSource.open(namespace, networkManager);
        ipJson = IpJsonSource.of(CommandRunner.netns(node.node()), networkManager);
    }

    private void addEveryOtherKindOfEntry(String ns) {
        // neighbors in states that hold still (REACHABLE, DELAY, PROBE and INCOMPLETE move on by themselves)
        lab.ip(ns, "neigh", "add", "172.31.159.30", "lladdr", "02:00:00:00:00:30", "dev", "eth0", "nud", "stale");
        lab.ip(ns, "neigh", "add", "172.31.159.31", "dev", "eth0", "nud", "failed");
        lab.ip(ns, "neigh", "add", "172.31.159.33", "lladdr", "02:00:00:00:00:33", "dev", "eth0", "nud", "noarp");
        lab.ip(ns, "neigh", "add", "172.31.159.34", "dev", "eth0", "nud", "none");
        // a second vxlan with learning, no local address and no underlay; an IPv6 one whose FDB dst is IPv6
        lab.ip(ns, "link", "add", "vx42", "type", "vxlan", "id", "42", "dstport", "4789");
        lab.ip(ns, "link", "set", "vx42", "up");
        lab.bridge(ns, "fdb", "append", "00:00:00:00:00:00", "dev", "vx42", "dst", "172.31.159.40");
        lab.bridge(ns, "fdb", "add", "02:00:00:00:00:41", "dev", "vx42", "dst", "172.31.159.41", "static");
        lab.ip(ns, "link", "add", "vx6", "type", "vxlan", "id", "43", "dstport", "4789", "local", "2001:db8::5");
        lab.bridge(ns, "fdb", "append", "00:00:00:00:00:00", "dev", "vx6", "dst", "2001:db8::1");
        // a bridge FDB entry that is not a vxlan's (filtered out)
        lab.bridge(ns, "fdb", "add", "02:00:00:00:00:99", "dev", "veth3a5c1e07", "master", "static");
        // a veth pair left down
        lab.ip(ns, "link", "add", "vdown0", "mtu", "9000", "type", "veth", "peer", "name", "vdown1");
        // routes of every type and a table above 255
        lab.ip(ns, "route", "add", "10.96.0.0/16", "nexthop", "via", "172.31.159.1", "dev", "eth0",
                "nexthop", "via", "172.31.159.2", "dev", "eth0");
        lab.ip(ns, "route", "add", "10.95.0.0/16", "dev", "eth0", "table", "1000", "proto", "99", "metric", "7");
        lab.ip(ns, "route", "add", "prohibit", "10.94.0.0/16");
        lab.ip(ns, "route", "add", "unreachable", "10.93.0.0/16", "table", "100");
        lab.ip(ns, "route", "add", "throw", "10.92.0.0/16", "table", "100");
        lab.ip(ns, "route", "add", "10.91.0.0/16", "via", "172.31.159.1", "src", "172.31.159.19", "metric", "100");
        // addresses of other scopes, a secondary
        lab.ip(ns, "addr", "add", "169.254.1.1/16", "scope", "link", "dev", "eth0");
        lab.ip(ns, "addr", "add", "127.0.0.2/8", "scope", "host", "dev", "lo");
        lab.ip(ns, "addr", "add", "10.187.0.77/24", "dev", "cni0");
        // policy rules of every action and selector the contract keeps, two of one priority, one it does not model
        lab.ip(ns, "rule", "add", "to", "10.244.2.0/24", "table", "100", "prio", "50");
        lab.ip(ns, "rule", "add", "not", "from", "10.1.0.0/16", "iif", "eth0", "oif", "lo", "fwmark", "0x1/0x3",
                "prohibit", "prio", "60");
        lab.ip(ns, "rule", "add", "to", "10.9.9.0/24", "blackhole", "prio", "70");
        lab.ip(ns, "rule", "add", "to", "10.9.8.0/24", "unreachable", "prio", "70");
        lab.ip(ns, "rule", "add", "lookup", "main", "suppress_prefixlength", "0", "prio", "80");
        lab.ip(ns, "rule", "add", "tos", "0x10", "goto", "32766", "prio", "90");
        lab.ip(ns, "rule", "add", "nop", "prio", "91");
        lab.ip(ns, "rule", "add", "from", "10.187.0.5", "ipproto", "udp", "dport", "53", "lookup", "1000",
                "prio", "92");
        lab.ip(ns, "rule", "add", "fwmark", "0x20", "lookup", "7", "prio", "93");
        lab.exec(ns, "sysctl", "-qw", "net.ipv4.conf.vdown0.forwarding=0");
        lab.exec(ns, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=1", "net.ipv4.conf.default.rp_filter=2",
                "net.ipv4.conf.cni0.rp_filter=0", "net.ipv4.conf.flannel/1.rp_filter=2");
    }

    @AfterAll
    void deleteTheNamespaces() {
        if (netlink != null) {
            netlink.close();
        }
        lab.close();
    }

    @Test
    void equalsWhatIproute2Reads() throws Exception {
        StillSnapshots still = StillSnapshots.read(netlink, ipJson);
        assertSameState(still.before().withoutCounters(), still.inner().withoutCounters());
    }

    @Test
    void countersEqualWhatIproute2ReadsWhereTheyHeldStill() throws Exception {
        StillSnapshots still = StillSnapshots.read(netlink, ipJson);
        int compared = 0;
        for (Link before : still.before().links()) {
            Optional<LinkCounters> after = still.after().link(before.index()).flatMap(Link::counters);
            if (before.counters().isPresent() && before.counters().equals(after)) {
                assertThat(still.inner().link(before.index()).flatMap(Link::counters)).as(before.name())
                        .isEqualTo(before.counters());
                compared++;
            }
        }
        assertThat(compared).as("links whose counters held still (lo, vdown0, vdown1 at least)")
                .isGreaterThanOrEqualTo(3);
    }

    /** Component by component, so a difference names the kind of entry. */
    private static void assertSameState(NodeState netlink, NodeState iproute2) {
        assertThat(netlink.links()).as("links").containsExactlyElementsOf(iproute2.links());
        assertThat(netlink.addresses()).as("addresses").containsExactlyElementsOf(iproute2.addresses());
        assertThat(netlink.routes()).as("routes").containsExactlyElementsOf(iproute2.routes());
        assertThat(netlink.neighbors()).as("neighbors").containsExactlyElementsOf(iproute2.neighbors());
        assertThat(netlink.fdb()).as("fdb").containsExactlyElementsOf(iproute2.fdb());
        assertThat(netlink.sysctls()).as("sysctls").isEqualTo(iproute2.sysctls());
        assertThat(netlink.rules()).as("rules").containsExactlyElementsOf(iproute2.rules());
        assertThat(netlink.networkManager()).as("NetworkManager").isEqualTo(iproute2.networkManager());
        assertThat(netlink).isEqualTo(iproute2);
    }

    @Test
    void readsEveryKindOfEntryItself() throws Exception {
        // The equality above would hold vacuously if both sources missed an entry: check the special ones directly.
        NodeState s = netlink.snapshot();
        Link flannel = s.link("flannel.1").orElseThrow();
        assertThat(flannel.mac()).contains(MacAddress.parse(FlannelNode.VTEP_MAC));
        assertThat(flannel.mtu()).isEqualTo(1450);
        assertThat(flannel.vxlan()).get().satisfies(v -> {
            assertThat(v.vni()).isEqualTo(1);
            assertThat(v.port()).isEqualTo(8472);
            assertThat(v.learning()).isFalse();
            assertThat(v.local()).contains(Ipv4.parse("172.31.159.19"));
            assertThat(v.underlay()).contains(s.link("eth0").orElseThrow().ref());
        });
        assertThat(s.link("vx42").orElseThrow().vxlan()).get().satisfies(v -> {
            assertThat(v.learning()).isTrue();
            assertThat(v.local()).isEmpty();
            assertThat(v.underlay()).isEmpty();
            assertThat(v.port()).isEqualTo(4789);
        });
        assertThat(s.link("vx6").orElseThrow().vxlan().orElseThrow().local()).as("IPv6 local").isEmpty();
        assertThat(s.link("veth3a5c1e07").orElseThrow().master()).contains(s.link("cni0").orElseThrow().ref());
        Link down = s.link("vdown0").orElseThrow();
        assertThat(down.isUp()).isFalse();
        assertThat(down.operState()).isEqualTo(Link.OperState.DOWN);
        assertThat(down.mtu()).isEqualTo(9000);
        assertThat(s.link("lo").orElseThrow().kind()).isEmpty();

        assertThat(s.neighborsOf("eth0")).extracting(Neighbor::state).contains(Neighbor.State.STALE.bit(),
                Neighbor.State.FAILED.bit(), Neighbor.State.NOARP.bit(), 0);
        assertThat(s.neighborsOf("flannel.1")).hasSize(2).allMatch(Neighbor::isPermanent);

        assertThat(s.fdbOf("flannel.1")).hasSize(2).allMatch(FdbEntry::isPermanent)
                .allMatch(e -> e.has(FdbEntry.Flag.SELF));
        assertThat(s.fdbOf("vx42")).extracting(FdbEntry::dst).containsExactlyInAnyOrder(
                Optional.of(Ipv4.parse("172.31.159.40")), Optional.of(Ipv4.parse("172.31.159.41")));
        assertThat(s.fdbOf("vx6")).singleElement().satisfies(e -> assertThat(e.dst()).as("IPv6 dst").isEmpty());
        assertThat(s.fdb()).as("only vxlan devices' entries")
                .allMatch(e -> e.dev().name().matches("flannel\\.1|vx42|vx6"));

        assertThat(s.routes()).filteredOn(r -> r.dst().equals(Ipv4Prefix.parse("10.96.0.0/16"))).singleElement()
                .satisfies(r -> {
                    assertThat(r.dev()).as("multipath").isEmpty();
                    assertThat(r.gateway()).isEmpty();
                });
        assertThat(s.routesIn(1000)).singleElement().satisfies(r -> {
            assertThat(r.protocol()).isEqualTo(Route.Protocol.of(99));
            assertThat(r.metric()).isEqualTo(7);
        });
        assertThat(s.routesIn(100)).extracting(Route::type).contains(Route.Type.UNREACHABLE, Route.Type.THROW);
        assertThat(s.routesIn(Route.TABLE_MAIN)).extracting(Route::type)
                .contains(Route.Type.BLACKHOLE, Route.Type.PROHIBIT);
        assertThat(s.routesVia("flannel.1")).filteredOn(Route::onlink).hasSize(2);
        assertThat(s.addressesOf("eth0")).extracting(a -> a.scope()).contains(Scope.LINK);
        assertThat(s.addressesOf("lo")).extracting(a -> a.scope()).contains(Scope.HOST);
        assertThat(s.addressesOf("cni0")).hasSize(2);

        assertThat(s.rules()).hasSize(12);
        assertThat(s.rules()).filteredOn(r -> r.priority() == 70).extracting(RoutingRule::action)
                .as("kernel order within a priority").containsExactly(RoutingRule.Action.BLACKHOLE,
                        RoutingRule.Action.UNREACHABLE);
        assertThat(s.rules()).filteredOn(r -> r.priority() == 92).singleElement()
                .satisfies(r -> assertThat(r.otherSelectors()).isTrue());
        assertThat(s.rules()).filteredOn(r -> r.priority() == 60).singleElement().satisfies(r -> {
            assertThat(r.invert()).isTrue();
            assertThat(r.iif()).contains("eth0");
            assertThat(r.fwmask()).isEqualTo(3);
        });
        assertThat(s.sysctls().ipForward()).isTrue();
        assertThat(s.sysctls().rpFilterAll()).isEqualTo(1);
        assertThat(s.sysctls().forwardingOff()).containsExactly("vdown0");
        assertThat(s.sysctls().forwardsFrom("vdown0")).isFalse();
        assertThat(s.sysctls().forwardsFrom("cni0")).isTrue();
        assertThat(s.sysctls().rpFilterDefault()).isEqualTo(2);
        assertThat(s.sysctls().rpFilter()).containsEntry("cni0", 0).containsEntry("flannel.1", 2)
                .containsEntry("eth0", 2).containsKeys("lo", "vx42", "vdown0");
        assertThat(s.networkManager().running()).isTrue();
        assertThat(s.networkManager().coversFlannel()).isTrue();
    }

    @Test
    void filtersTheFdbInJavaAsTheKernelDoesWithStrictChecking() throws Exception {
        try (NetlinkSource legacy = NetlinkSource.open(namespace, networkManager, false, UnaryOperator.identity())) {
            StillSnapshots still = StillSnapshots.read(netlink, legacy);
            assertSameState(still.inner().withoutCounters(), still.before().withoutCounters());
        }
    }

    @Test
    void oneSocketServesSnapshotAfterSnapshot() throws Exception {
        NodeState first = netlink.snapshot();
        for (int i = 0; i < 300; i++) {
            assertThat(netlink.snapshot().links()).extracting(Link::ref)
                    .containsExactlyElementsOf(first.links().stream().map(Link::ref).toList());
        }
    }

    @Test
    void readsTheOtherhostCounterAfterMisaddressedFrames() throws Exception {
        assumeTrue(FlannelNode.kernelCountsOtherhost(), "rx_otherhost_dropped needs kernel 5.19+");
        long before = otherhost(netlink.snapshot());
        node.sendMisaddressedFrames(lab, 3);
        long after = before;
        for (int read = 0; read < 1000 && after < before + 3; read++) {
            after = otherhost(netlink.snapshot());
        }
        assertThat(after - before).isEqualTo(3);
        assertThat(otherhost(ipJson.snapshot())).as("what iproute2 prints").isEqualTo(after);
    }

    private static long otherhost(NodeState s) {
        return s.link("eth0").orElseThrow().counters().orElseThrow().rxOtherhostDropped().orElseThrow();
    }

    @Test
    void seesTheNewVtepMacAndTheNeighborsTheKernelFlushedWithIt() throws Exception {
        try (TestNetns own = new TestNetns()) {
            FlannelNode drifted = FlannelNode.build(own);
            try (NetlinkSource source = NetlinkSource.open(Path.of("/run/netns", drifted.node()))) {
                assertThat(source.snapshot().link("flannel.1").orElseThrow().mac())
                        .contains(MacAddress.parse(FlannelNode.VTEP_MAC));
                own.ip(drifted.node(), "link", "set", "flannel.1", "address", "7a:3c:58:e1:90:2d");
                NodeState s = source.snapshot();
                assertThat(s.link("flannel.1").orElseThrow().mac()).contains(MacAddress.parse("7a:3c:58:e1:90:2d"));
                assertThat(s.neighborsOf("flannel.1")).as("the kernel drops them with the MAC change").isEmpty();
                assertThat(s.fdbOf("flannel.1")).as("the FDB entries survive").hasSize(2);
                assertThat(s.networkManager().inspected()).isFalse();
            }
        }
    }

    @Test
    void readsTheCurrentNamespaceAsIproute2Does() throws Exception {
        try (NetlinkSource here = NetlinkSource.openCurrentNamespace(NmFactsSource.NOT_INSPECTED)) {
            StillSnapshots still = StillSnapshots.read(here,
                    IpJsonSource.of(CommandRunner.local(), NmFactsSource.NOT_INSPECTED));
            assertSameState(still.before().withoutCounters(), still.inner().withoutCounters());
            assertThat(still.before().link("lo")).isPresent();
        }
    }

    @Test
    void aMissingNamespaceIsOneSentence() {
        assertThatThrownBy(() -> NetlinkSource.open(Path.of("/run/netns/vxlab-no-such-namespace")))
                .isInstanceOf(SnapshotException.class)
                .hasMessage("cannot enter network namespace /run/netns/vxlab-no-such-namespace: "
                        + "open /run/netns/vxlab-no-such-namespace: No such file or directory");
    }

    @Test
    void aFileThatIsNotANamespaceIsOneSentence() {
        assertThatThrownBy(() -> NetlinkSource.open(Path.of("/proc/self/stat")))
                .isInstanceOf(SnapshotException.class)
                .hasMessage("cannot enter network namespace /proc/self/stat: setns: Invalid argument");
    }

    @Test
    void aRequestTheKernelRefusesIsOneSentenceWithItsReason() throws Exception {
        try (Arena arena = Arena.ofShared(); NetlinkSocket socket = NetlinkSocket.openIn(namespace, arena)) {
            socket.setOption(NetlinkSocket.SOL_NETLINK, NetlinkSocket.NETLINK_GET_STRICT_CHK, 1);
            socket.setOption(NetlinkSocket.SOL_NETLINK, NetlinkSocket.NETLINK_EXT_ACK, 1);
            Dumper dumper = new Dumper(socket, arena, "network namespace " + namespace);
            // Strict checking refuses a link dump filtered by index.
            assertThatThrownBy(() -> dumper.dump(DumpRequest.LINKS, 1, (m, at, end) -> { }))
                    .isInstanceOf(SnapshotException.class)
                    .hasMessageStartingWith("the kernel refused the link dump (RTM_GETLINK) in network namespace "
                            + namespace + ": Invalid argument (errno 22, \"")
                    .hasMessageNotContaining("\n");
            // The socket is clean afterwards.
            int[] links = {0};
            dumper.dump(DumpRequest.LINKS, 0, (m, at, end) -> links[0]++);
            assertThat(links[0]).isGreaterThanOrEqualTo(8);
        }
    }

    /** Counts what a source's dumps ask and receive. */
    private static final class Counting implements Datagrams {
        final Datagrams real;
        int sends;
        int requests;
        int receiveCalls;
        int datagrams;
        int dones;

        Counting(Datagrams real) {
            this.real = real;
        }

        @Override
        public void send(MemorySegment request, long length) throws SyscallFailure {
            sends++;
            for (long at = 0; at < length; at += Wire.align(Wire.u32(request, at))) {
                requests++;
            }
            real.send(request, length);
        }

        @Override
        public long receive(MemorySegment buffer, boolean wait) {
            throw new AssertionError("a dump received one datagram at a time");
        }

        @Override
        public int receive(MemorySegment[] buffers, int count, long[] lengths, boolean wait) throws SyscallFailure {
            receiveCalls++;
            int n = real.receive(buffers, count, lengths, wait);
            for (int i = 0; i < n; i++) {
                datagrams++;
                for (long at = 0; at + Nlmsg.HDRLEN <= lengths[i]; at += Wire.align(Wire.u32(buffers[i], at))) {
                    dones += Wire.u16(buffers[i], at + Nlmsg.TYPE) == Nlmsg.DONE ? 1 : 0;
                }
            }
            return n;
        }
    }

    /** The real socket taken one datagram per receive, as before recvmmsg. */
    private record OneAtATime(Datagrams real) implements Datagrams {
        @Override
        public void send(MemorySegment request, long length) throws SyscallFailure {
            real.send(request, length);
        }

        @Override
        public long receive(MemorySegment buffer, boolean wait) throws SyscallFailure {
            return real.receive(buffer, wait);
        }
    }

    @Test
    void takesTheAnswersToEachSendInOneReceiveAndLeavesNothingQueued() throws Exception {
        Counting[] counting = new Counting[1];
        try (NetlinkSource batched = NetlinkSource.open(namespace, networkManager, true,
                real -> counting[0] = new Counting(real));
             NetlinkSource oneByOne = NetlinkSource.open(namespace, networkManager, true, OneAtATime::new)) {
            batched.snapshot(); // on a fresh socket the kernel starts with small datagrams
            Counting c = counting[0];
            c.sends = c.requests = c.receiveCalls = c.datagrams = c.dones = 0;
            StillSnapshots still = StillSnapshots.read(oneByOne, batched);
            assertSameState(still.inner().withoutCounters(), still.before().withoutCounters());
            assertThat(c.dones).as("one NLMSG_DONE per dump").isEqualTo(c.requests);
            assertThat(c.receiveCalls).as("receive calls: one per send").isEqualTo(c.sends);
            assertThat(c.sends).as("sends: some dumps together").isLessThan(c.requests);
            assertThat(c.datagrams).as("datagrams (this kernel sends some DONEs alone)").isGreaterThan(c.requests);
            try (Arena arena = Arena.ofConfined()) {
                c.real.receive(arena.allocate(Dumper.BUFFER_BYTES), false);
                throw new AssertionError("a datagram was left queued");
            } catch (SyscallFailure e) {
                assertThat(e.errno()).as("nothing left queued").isEqualTo(SyscallFailure.EAGAIN);
            }
        }
    }

    @Test
    void aClosedSourceRefusesToSnapshot() throws Exception {
        NetlinkSource source = NetlinkSource.open(namespace);
        source.close();
        source.close();
        assertThatThrownBy(source::snapshot).isInstanceOf(IllegalStateException.class);
    }
}
