package dev.vxlab.detectors.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.LinkRef;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.Scope;
import dev.vxlab.detectors.state.Sysctls;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Parses the real iproute2 6.1 output captured by resources/iproute2-6.1/capture.sh. */
class IpJsonParserTest {
    static final IpJsonParser P = IpJsonParser.of(List.of("ip", "-j"));

    static List<Link> links() throws SnapshotException {
        return P.links(Samples.read("link.json"), true);
    }

    static Map<String, LinkRef> byName() throws SnapshotException {
        return links().stream().collect(Collectors.toMap(Link::name, Link::ref));
    }

    static Link link(String name) throws SnapshotException {
        return links().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void readsEveryLinkWithKindMacMtuAndMaster() throws Exception {
        assertThat(links()).extracting(Link::index, Link::name, l -> l.kind().orElse(null))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, "lo", null),
                        org.assertj.core.groups.Tuple.tuple(2, "eth0", "veth"),
                        org.assertj.core.groups.Tuple.tuple(3, "flannel.1", "vxlan"),
                        org.assertj.core.groups.Tuple.tuple(4, "cni0", "bridge"),
                        org.assertj.core.groups.Tuple.tuple(5, "pod0-eth0", "veth"),
                        org.assertj.core.groups.Tuple.tuple(6, "veth3a5c1e07", "veth"));
        assertThat(link("lo").isLoopback()).isTrue();
        assertThat(link("lo").mac()).contains(new MacAddress(0));
        assertThat(link("flannel.1").mac()).contains(MacAddress.parse("b6:9b:ed:b0:37:74"));
        assertThat(link("flannel.1").mtu()).isEqualTo(1450);
        assertThat(link("veth3a5c1e07").master()).contains(new LinkRef(4, "cni0"));
        assertThat(link("cni0").master()).isEmpty();
    }

    @Test
    void readsTheVxlanAttributes() throws Exception {
        assertThat(link("flannel.1").vxlan()).get().satisfies(v -> {
            assertThat(v.vni()).isEqualTo(1);
            assertThat(v.port()).isEqualTo(8472);
            assertThat(v.learning()).isFalse();
            assertThat(v.local()).contains(Ipv4.parse("172.31.159.19"));
            assertThat(v.underlay()).contains(new LinkRef(2, "eth0"));
        });
        assertThat(link("eth0").vxlan()).isEmpty();
    }

    @Test
    void rebuildsTheKernelFlagsFromIproute2sNames() throws Exception {
        assertThat(link("flannel.1").flagSet()).containsExactlyInAnyOrder(Link.Flag.UP, Link.Flag.RUNNING,
                Link.Flag.LOWER_UP, Link.Flag.BROADCAST, Link.Flag.MULTICAST);
        // "NO-CARRIER" is iproute2's way of saying UP without RUNNING; "M-DOWN" is not a device flag at all
        assertThat(link("veth3a5c1e07").flagSet()).containsExactlyInAnyOrder(Link.Flag.UP, Link.Flag.BROADCAST,
                Link.Flag.MULTICAST);
        assertThat(link("pod0-eth0").flagSet()).containsExactlyInAnyOrder(Link.Flag.BROADCAST, Link.Flag.MULTICAST);
        assertThat(link("veth3a5c1e07").operState()).isEqualTo(Link.OperState.LOWERLAYERDOWN);
        assertThat(link("flannel.1").operState()).isEqualTo(Link.OperState.UNKNOWN);
        assertThat(link("eth0").operState()).isEqualTo(Link.OperState.UP);
        assertThat(IpJsonParser.linkFlags(new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("[\"UP\",\"LOWER_UP\",\"0x100000\"]")))
                .isEqualTo(Link.Flag.mask(Link.Flag.UP, Link.Flag.LOWER_UP, Link.Flag.RUNNING) | 0x100000);
    }

    @Test
    void theOtherhostCounterIsPrintedOnlyWhenNonZero() throws Exception {
        Link eth0 = link("eth0");
        assertThat(eth0.counters()).get().satisfies(c -> {
            assertThat(c.rxOtherhostDropped()).hasValue(3);
            assertThat(c.rxPackets()).isGreaterThanOrEqualTo(3);
        });
        assertThat(link("flannel.1").counters().orElseThrow().rxOtherhostDropped())
                .as("absent on a kernel and iproute2 that know it: zero").hasValue(0);
        List<Link> unknown = P.links(Samples.read("link.json"), false);
        assertThat(unknown.get(2).counters().orElseThrow().rxOtherhostDropped())
                .as("absent where the kernel or iproute2 may not know it: unknown").isEmpty();
        assertThat(unknown.get(1).counters().orElseThrow().rxOtherhostDropped()).hasValue(3);
    }

    @Test
    void readsAddressesWithScopeFromNumbersOrNames() throws Exception {
        List<Address> numeric = P.addresses(Samples.read("addr.json"), byName());
        List<Address> names = P.addresses(Samples.read("addr-names.json"), byName());
        assertThat(names).isEqualTo(numeric);
        assertThat(numeric).containsExactly(
                new Address(new LinkRef(1, "lo"), Ipv4Prefix.parse("127.0.0.1/8"), Scope.HOST),
                new Address(new LinkRef(2, "eth0"), Ipv4Prefix.parse("172.31.159.19/24"), Scope.UNIVERSE),
                new Address(new LinkRef(3, "flannel.1"), Ipv4Prefix.parse("10.187.0.0/32"), Scope.UNIVERSE),
                new Address(new LinkRef(4, "cni0"), Ipv4Prefix.parse("10.187.0.1/24"), Scope.UNIVERSE));
    }

    @Test
    void readsRoutesTheSameWithNumbersNamesOrIproute2sOmissions() throws Exception {
        List<Route> numeric = P.routes(Samples.read("route.json"), byName());
        assertThat(P.routes(Samples.read("route-names.json"), byName())).isEqualTo(numeric);
        assertThat(P.routes(Samples.read("route-plain.json"), byName()))
                .as("without -d iproute2 leaves out unicast, table main, proto boot and scope global")
                .isEqualTo(numeric);
        assertThat(numeric).hasSize(16);
    }

    @Test
    void readsFlannelsOnlinkRoutesAndTheLocalTable() throws Exception {
        List<Route> routes = P.routes(Samples.read("route.json"), byName());
        LinkRef flannel = new LinkRef(3, "flannel.1");
        assertThat(routes).contains(
                new Route(Route.TABLE_MAIN, Route.Type.UNICAST, Ipv4Prefix.parse("10.187.1.0/24"),
                        Optional.of(Ipv4.parse("10.187.1.0")), Optional.of(flannel), Route.Flag.ONLINK.bit(),
                        Scope.UNIVERSE, Route.Protocol.BOOT, Optional.empty(), 0),
                new Route(Route.TABLE_LOCAL, Route.Type.LOCAL, Ipv4Prefix.parse("10.187.0.0/32"), Optional.empty(),
                        Optional.of(flannel), 0, Scope.HOST, Route.Protocol.KERNEL,
                        Optional.of(Ipv4.parse("10.187.0.0")), 0),
                new Route(Route.TABLE_MAIN, Route.Type.UNICAST, Ipv4Prefix.parse("0.0.0.0/0"),
                        Optional.of(Ipv4.parse("172.31.159.254")), Optional.of(new LinkRef(2, "eth0")), 0,
                        Scope.UNIVERSE, Route.Protocol.BOOT, Optional.empty(), 0),
                new Route(Route.TABLE_MAIN, Route.Type.BLACKHOLE, Ipv4Prefix.parse("10.99.0.0/16"), Optional.empty(),
                        Optional.empty(), 0, Scope.UNIVERSE, Route.Protocol.BOOT, Optional.empty(), 0),
                new Route(Route.TABLE_MAIN, Route.Type.UNREACHABLE, Ipv4Prefix.parse("10.98.0.0/16"), Optional.empty(),
                        Optional.empty(), 0, Scope.UNIVERSE, Route.Protocol.BOOT, Optional.empty(), 7),
                new Route(100, Route.Type.UNICAST, Ipv4Prefix.parse("10.97.0.0/16"), Optional.empty(),
                        Optional.of(new LinkRef(2, "eth0")), 0, Scope.LINK, Route.Protocol.STATIC, Optional.empty(),
                        50));
        assertThat(routes).filteredOn(r -> r.dst().equals(Ipv4Prefix.parse("10.187.0.0/24")))
                .singleElement().satisfies(r -> assertThat(r.flagSet()).containsExactly(Route.Flag.LINKDOWN));
    }

    @Test
    void readsNeighborsOfEveryStateIncludingNoarpAndFailed() throws Exception {
        List<Neighbor> neighbors = P.neighbors(Samples.read("neigh.json"), byName());
        assertThat(neighbors).hasSize(5).contains(
                new Neighbor(new LinkRef(3, "flannel.1"), Ipv4.parse("10.187.1.0"),
                        Optional.of(MacAddress.parse("f2:d2:28:8e:4c:61")), Neighbor.State.PERMANENT.bit()),
                new Neighbor(new LinkRef(3, "flannel.1"), Ipv4.parse("10.187.2.0"),
                        Optional.of(MacAddress.parse("2a:f1:d4:d0:32:24")), Neighbor.State.PERMANENT.bit()),
                new Neighbor(new LinkRef(2, "eth0"), Ipv4.parse("172.31.159.253"), Optional.empty(),
                        Neighbor.State.FAILED.bit()),
                new Neighbor(new LinkRef(4, "cni0"), Ipv4.parse("224.0.0.22"),
                        Optional.of(MacAddress.parse("01:00:5e:00:00:16")), Neighbor.State.NOARP.bit()));
    }

    @Test
    void keepsOnlyTheFdbOfVxlanDevices() throws Exception {
        LinkRef flannel = new LinkRef(3, "flannel.1");
        List<FdbEntry> fdb = P.fdb(Samples.read("fdb.json"), Map.of("flannel.1", flannel));
        int self = FdbEntry.Flag.SELF.bit();
        int permanent = Neighbor.State.PERMANENT.bit();
        assertThat(fdb).containsExactlyInAnyOrder(
                new FdbEntry(flannel, MacAddress.parse("2a:f1:d4:d0:32:24"), Optional.of(Ipv4.parse("172.31.159.21")),
                        self, permanent),
                new FdbEntry(flannel, MacAddress.parse("f2:d2:28:8e:4c:61"), Optional.of(Ipv4.parse("172.31.159.20")),
                        self, permanent));
        String bridgeStates = "[{\"mac\":\"aa:bb:cc:dd:ee:01\",\"ifname\":\"vx\",\"flags\":[\"extern_learn\"],"
                + "\"state\":\"\"},{\"mac\":\"aa:bb:cc:dd:ee:02\",\"ifname\":\"vx\",\"flags\":[],\"state\":\"stale\"},"
                + "{\"mac\":\"aa:bb:cc:dd:ee:03\",\"ifname\":\"vx\",\"flags\":[],\"state\":\"static\"},"
                + "{\"mac\":\"aa:bb:cc:dd:ee:04\",\"ifname\":\"vx\",\"flags\":[\"self\"],\"state\":\"0x10\"}]";
        assertThat(P.fdb(bridgeStates, Map.of("vx", new LinkRef(9, "vx"))))
                .extracting(FdbEntry::flags, FdbEntry::state)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(FdbEntry.Flag.EXT_LEARNED.bit(),
                                Neighbor.State.REACHABLE.bit()),
                        org.assertj.core.groups.Tuple.tuple(0, Neighbor.State.STALE.bit()),
                        org.assertj.core.groups.Tuple.tuple(0, Neighbor.State.NOARP.bit()),
                        org.assertj.core.groups.Tuple.tuple(self, Neighbor.State.PROBE.bit()));
    }

    @Test
    void readsForwardingAndRpFilterFromNetconf() throws Exception {
        Sysctls s = P.sysctls(Samples.read("netconf.json"));
        assertThat(s.ipForward()).isTrue();
        assertThat(s.rpFilterAll()).isEqualTo(Sysctls.RP_FILTER_OFF);
        assertThat(s.rpFilterDefault()).isEqualTo(Sysctls.RP_FILTER_STRICT);
        assertThat(s.rpFilter()).containsEntry("eth0", Sysctls.RP_FILTER_LOOSE)
                .containsEntry("flannel.1", Sysctls.RP_FILTER_OFF)
                .containsEntry("veth3a5c1e07", Sysctls.RP_FILTER_STRICT)
                .doesNotContainKeys("all", "default");
    }

    @Test
    void badOutputIsOneSentenceNamingTheCommand() {
        IpJsonParser route = IpJsonParser.of(List.of("ip", "-j", "route"));
        assertThatThrownBy(() -> route.routes("[{\"dst\":\"10.1.0.0/16\"", Map.of()))
                .isInstanceOf(SnapshotException.class)
                .hasMessageStartingWith("'ip -j route' printed output that is not JSON (line 1")
                .hasMessageNotContaining("com.fasterxml");
        assertThatThrownBy(() -> route.routes("[{\"dst\":\"10.1.0.0/33\"}]", Map.of()))
                .hasMessageContaining("'ip -j route' printed a route this parser cannot read")
                .hasMessageContaining("10.1.0.0/33");
        assertThatThrownBy(() -> route.routes("[{\"dst\":\"10.1.0.0/16\",\"table\":\"vpn\"}]", Map.of()))
                .hasMessageContaining("table 'vpn' is not a number or a name iproute2 defines");
        assertThatThrownBy(() -> route.routes("{}", Map.of())).hasMessageContaining("not a list");
        assertThatThrownBy(() -> route.routes("[{\"dst\":\"10.1.0.0/16\",\"dev\":\"gone0\"}]", Map.of()))
                .isInstanceOf(InconsistentSnapshotException.class).hasMessageContaining("gone0");
    }

    @Test
    void emptyOutputIsAnEmptyList() throws Exception {
        assertThat(P.neighbors("", Map.of())).isEmpty();
        assertThat(P.neighbors("[]\n", Map.of())).isEmpty();
    }
}
