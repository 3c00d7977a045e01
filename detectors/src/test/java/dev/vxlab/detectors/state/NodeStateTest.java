package dev.vxlab.detectors.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeStateTest {
    static final LinkRef LO = new LinkRef(1, "lo");
    static final LinkRef ETH0 = new LinkRef(2, "eth0");
    static final LinkRef FLANNEL = new LinkRef(3, "flannel.1");
    static final LinkRef CNI0 = new LinkRef(4, "cni0");
    static final LinkRef VETH = new LinkRef(5, "veth3a5c1e07");
    static final int UP_RUNNING = Link.Flag.mask(Link.Flag.UP, Link.Flag.RUNNING, Link.Flag.LOWER_UP,
            Link.Flag.BROADCAST, Link.Flag.MULTICAST);

    static LinkCounters counters(long rx) {
        return new LinkCounters(rx, rx * 100, 0, 0, 1, 100, 0, 0, OptionalLong.of(rx / 2));
    }

    static List<Link> links() {
        return List.of(
                new Link(1, "lo", Optional.empty(), Optional.of(new MacAddress(0)), 65536,
                        Link.Flag.mask(Link.Flag.UP, Link.Flag.RUNNING, Link.Flag.LOWER_UP, Link.Flag.LOOPBACK),
                        Link.OperState.UNKNOWN, Optional.empty(), Optional.empty(), Optional.of(counters(0))),
                new Link(2, "eth0", Optional.of("veth"), Optional.of(MacAddress.parse("02:42:ac:1f:9f:13")), 1500,
                        UP_RUNNING, Link.OperState.UP, Optional.empty(), Optional.empty(), Optional.of(counters(7))),
                new Link(3, "flannel.1", Optional.of("vxlan"), Optional.of(MacAddress.parse("b6:9b:ed:b0:37:74")),
                        1450, UP_RUNNING, Link.OperState.UNKNOWN, Optional.empty(),
                        Optional.of(new VxlanInfo(1, Optional.of(Ipv4.parse("172.31.159.19")), 8472, false,
                                Optional.of(ETH0))),
                        Optional.of(counters(3))),
                new Link(4, "cni0", Optional.of("bridge"), Optional.of(MacAddress.parse("5e:4f:7c:2b:8a:01")), 1500,
                        UP_RUNNING, Link.OperState.UP, Optional.empty(), Optional.empty(), Optional.of(counters(1))),
                new Link(5, "veth3a5c1e07", Optional.of("veth"), Optional.of(MacAddress.parse("8e:11:22:33:44:55")),
                        1500, UP_RUNNING, Link.OperState.UP, Optional.of(CNI0), Optional.empty(),
                        Optional.of(counters(2))));
    }

    static Route route(int table, Route.Type type, String dst, String via, LinkRef dev, int flags, Scope scope,
                       Route.Protocol proto, String src) {
        return new Route(table, type, Ipv4Prefix.parse(dst), Optional.ofNullable(via).map(Ipv4::parse),
                Optional.ofNullable(dev), flags, scope, proto, Optional.ofNullable(src).map(Ipv4::parse), 0);
    }

    static NodeState state(Random shuffle) {
        List<Link> links = new ArrayList<>(links());
        List<Address> addresses = new ArrayList<>(List.of(
                new Address(FLANNEL, Ipv4Prefix.parse("10.187.0.0/32"), Scope.UNIVERSE),
                new Address(CNI0, Ipv4Prefix.parse("10.187.0.1/24"), Scope.UNIVERSE),
                new Address(LO, Ipv4Prefix.parse("127.0.0.1/8"), Scope.HOST),
                new Address(ETH0, Ipv4Prefix.parse("172.31.159.19/24"), Scope.UNIVERSE)));
        int onlink = Route.Flag.ONLINK.bit();
        List<Route> routes = new ArrayList<>(List.of(
                route(Route.TABLE_MAIN, Route.Type.UNICAST, "10.187.1.0/24", "10.187.1.0", FLANNEL, onlink,
                        Scope.UNIVERSE, Route.Protocol.BOOT, null),
                route(Route.TABLE_MAIN, Route.Type.UNICAST, "10.187.2.0/24", "10.187.2.0", FLANNEL, onlink,
                        Scope.UNIVERSE, Route.Protocol.BOOT, null),
                route(Route.TABLE_LOCAL, Route.Type.LOCAL, "10.187.0.0/32", null, FLANNEL, 0, Scope.HOST,
                        Route.Protocol.KERNEL, "10.187.0.0"),
                route(Route.TABLE_MAIN, Route.Type.UNICAST, "0.0.0.0/0", "172.31.159.254", ETH0, 0, Scope.UNIVERSE,
                        Route.Protocol.BOOT, null),
                route(Route.TABLE_MAIN, Route.Type.BLACKHOLE, "10.99.0.0/16", null, null, 0, Scope.UNIVERSE,
                        Route.Protocol.BOOT, null),
                route(Route.TABLE_MAIN, Route.Type.UNICAST, "10.187.0.0/24", null, CNI0, 0, Scope.LINK,
                        Route.Protocol.KERNEL, "10.187.0.1")));
        int permanent = Neighbor.State.PERMANENT.bit();
        List<Neighbor> neighbors = new ArrayList<>(List.of(
                new Neighbor(FLANNEL, Ipv4.parse("10.187.2.0"), Optional.of(MacAddress.parse("2a:f1:d4:d0:32:24")),
                        permanent),
                new Neighbor(FLANNEL, Ipv4.parse("10.187.1.0"), Optional.of(MacAddress.parse("f2:d2:28:8e:4c:61")),
                        permanent),
                new Neighbor(ETH0, Ipv4.parse("172.31.159.253"), Optional.empty(), Neighbor.State.FAILED.bit())));
        List<FdbEntry> fdb = new ArrayList<>(List.of(
                new FdbEntry(FLANNEL, MacAddress.parse("f2:d2:28:8e:4c:61"), Optional.of(Ipv4.parse("172.31.159.20")),
                        FdbEntry.Flag.SELF.bit(), permanent),
                new FdbEntry(FLANNEL, MacAddress.parse("2a:f1:d4:d0:32:24"), Optional.of(Ipv4.parse("172.31.159.21")),
                        FdbEntry.Flag.SELF.bit(), permanent)));
        if (shuffle != null) {
            Collections.shuffle(links, shuffle);
            Collections.shuffle(addresses, shuffle);
            Collections.shuffle(routes, shuffle);
            Collections.shuffle(neighbors, shuffle);
            Collections.shuffle(fdb, shuffle);
        }
        return new NodeState(links, addresses, routes, neighbors, fdb,
                new Sysctls(true, 0, 1, Map.of("eth0", 2, "flannel.1", 0)),
                new NmFacts(true, true, List.of("interface-name:flannel*")));
    }

    @Test
    void theSameObjectsInAnyOrderMakeEqualSnapshots() {
        NodeState reference = state(null);
        for (int seed = 0; seed < 20; seed++) {
            NodeState shuffled = state(new Random(seed));
            assertThat(shuffled).isEqualTo(reference);
            assertThat(shuffled.hashCode()).isEqualTo(reference.hashCode());
        }
        assertThat(reference.links()).extracting(Link::index).containsExactly(1, 2, 3, 4, 5);
        assertThat(reference.routes()).first().satisfies(r -> assertThat(r.table()).isEqualTo(Route.TABLE_MAIN));
        assertThat(reference.routesIn(Route.TABLE_MAIN)).extracting(r -> r.dst().toString())
                .containsExactly("0.0.0.0/0", "10.99.0.0/16", "10.187.0.0/24", "10.187.1.0/24", "10.187.2.0/24");
    }

    @Test
    void takesAnotherSnapshotsListsAsTheyAreAndStillSortsNewOnes() {
        NodeState a = state(new Random(7));
        NodeState b = new NodeState(a.links(), a.addresses(), a.routes(), a.neighbors(), a.fdb(), a.sysctls(),
                a.networkManager(), a.firewall(), a.rules(), a.udev());
        assertThat(b.links()).isSameAs(a.links());
        assertThat(b.routes()).isSameAs(a.routes());
        assertThat(b.neighbors()).isSameAs(a.neighbors());
        assertThat(b).isEqualTo(a).hasSameHashCodeAs(a);
        assertThat(a.routes()).isUnmodifiable();
        assertThat(a.routes()).isEqualTo(new ArrayList<>(a.routes())).hasSameHashCodeAs(new ArrayList<>(a.routes()));
        // Another kind's list is not taken for canonical: routes are sorted as routes, whatever list holds them.
        List<Route> reversed = new ArrayList<>(a.routes()).reversed();
        NodeState c = new NodeState(a.links(), a.addresses(), reversed, a.neighbors(), a.fdb(), a.sysctls(),
                a.networkManager());
        assertThat(c.routes()).isNotSameAs(reversed).containsExactlyElementsOf(a.routes());
    }

    @Test
    void countersTakePartInEqualityUntilDropped() {
        NodeState a = state(null);
        List<Link> busier = a.links().stream().map(l -> new Link(l.index(), l.name(), l.kind(), l.mac(), l.mtu(),
                l.flags(), l.operState(), l.master(), l.vxlan(), Optional.of(counters(99)))).toList();
        NodeState b = new NodeState(busier, a.addresses(), a.routes(), a.neighbors(), a.fdb(), a.sysctls(),
                a.networkManager());
        assertThat(b).isNotEqualTo(a);
        assertThat(b.withoutCounters()).isEqualTo(a.withoutCounters());
        assertThat(a.withoutCounters().links()).allSatisfy(l -> assertThat(l.counters()).isEmpty());
    }

    @Test
    void lookupsFindObjectsByDeviceAndTable() {
        NodeState s = state(new Random(7));
        assertThat(s.link("flannel.1")).get().satisfies(l -> {
            assertThat(l.vxlan()).get().extracting(VxlanInfo::vni, VxlanInfo::port, VxlanInfo::learning)
                    .containsExactly(1, 8472, false);
            assertThat(l.flagSet()).contains(Link.Flag.UP, Link.Flag.RUNNING, Link.Flag.LOWER_UP);
        });
        assertThat(s.link(4)).get().extracting(Link::name).isEqualTo("cni0");
        assertThat(s.link("nope")).isEmpty();
        assertThat(s.linksOfKind("vxlan")).extracting(Link::name).containsExactly("flannel.1");
        assertThat(s.portsOf("cni0")).extracting(Link::name).containsExactly("veth3a5c1e07");
        assertThat(s.addressesOf("cni0")).extracting(a -> a.prefix().toString()).containsExactly("10.187.0.1/24");
        assertThat(s.routesIn(Route.TABLE_LOCAL)).singleElement()
                .satisfies(r -> assertThat(r.type()).isEqualTo(Route.Type.LOCAL));
        assertThat(s.routesVia("flannel.1")).hasSize(3);
        assertThat(s.neighborsOf("flannel.1")).extracting(n -> n.ip().toString())
                .containsExactly("10.187.1.0", "10.187.2.0");
        assertThat(s.fdbOf("flannel.1")).allSatisfy(e -> assertThat(e.isPermanent()).isTrue());
        assertThat(s.sysctls().effectiveRpFilter("eth0")).isEqualTo(2);
        assertThat(s.sysctls().effectiveRpFilter("cni0")).as("unknown device: default's value").isEqualTo(1);
    }

    @Test
    void recordsPrintTheWayIproute2Does() {
        NodeState s = state(null);
        assertThat(s.routesVia("flannel.1")).extracting(Route::toString).contains(
                "10.187.1.0/24 via 10.187.1.0 dev flannel.1 table main proto boot scope global onlink",
                "local 10.187.0.0 dev flannel.1 table local proto kernel scope host src 10.187.0.0");
        assertThat(s.routesIn(Route.TABLE_MAIN)).extracting(Route::toString)
                .contains("default via 172.31.159.254 dev eth0 table main proto boot scope global",
                        "blackhole 10.99.0.0/16 table main proto boot scope global");
        assertThat(s.neighborsOf("flannel.1").getFirst())
                .hasToString("10.187.1.0 dev flannel.1 lladdr f2:d2:28:8e:4c:61 PERMANENT");
        assertThat(s.neighborsOf("eth0").getFirst()).hasToString("172.31.159.253 dev eth0 FAILED");
        assertThat(s.fdbOf("flannel.1").getFirst())
                .hasToString("2a:f1:d4:d0:32:24 dev flannel.1 dst 172.31.159.21 self permanent");
        assertThat(s.link("flannel.1").orElseThrow().toString())
                .startsWith("3: flannel.1 vxlan <UP,BROADCAST,RUNNING,MULTICAST,LOWER_UP> mtu 1450")
                .contains("link/ether b6:9b:ed:b0:37:74")
                .endsWith("vxlan id 1 local 172.31.159.19 dev eth0 dstport 8472 nolearning");
        assertThat(new Scope(100)).hasToString("100");
        assertThat(Route.Protocol.of(186)).hasToString("186");
    }

    @Test
    void rejectsInconsistentObjects() {
        NodeState s = state(null);
        List<Link> twice = new ArrayList<>(s.links());
        twice.add(twice.get(1));
        assertThatThrownBy(() -> new NodeState(twice, List.of(), List.of(), List.of(), List.of(), s.sysctls(),
                NmFacts.NOT_INSPECTED)).hasMessageContaining("index 2");
        assertThatThrownBy(() -> new Link(9, "vx", Optional.of("bridge"), Optional.empty(), 1500, 0,
                Link.OperState.DOWN, Optional.empty(),
                Optional.of(new VxlanInfo(1, Optional.empty(), 8472, false, Optional.empty())), Optional.empty()))
                .hasMessageContaining("kind vxlan");
        assertThatThrownBy(() -> new VxlanInfo(1 << 24, Optional.empty(), 8472, false, Optional.empty()))
                .hasMessageContaining("VNI");
        assertThatThrownBy(() -> Route.Type.ofCode(12)).hasMessageContaining("12");
        assertThat(Route.Type.ofCode(6)).isEqualTo(Route.Type.BLACKHOLE);
        assertThat(Link.OperState.ofCode(3)).isEqualTo(Link.OperState.LOWERLAYERDOWN);
    }
}
