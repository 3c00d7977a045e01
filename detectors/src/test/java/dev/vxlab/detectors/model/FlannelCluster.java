package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.LinkRef;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NmFacts;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.Scope;
import dev.vxlab.detectors.state.Sysctls;
import dev.vxlab.detectors.state.VxlanInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Hand-built snapshots of the field's 3-node flannel cluster, as the lab's netns backend and flannel program it
 * (ClusterSpec.field(3)): nodes 172.31.159.19/.20/.21 with subnets 10.187.0/2/1.0/24 and the advertised VtepMACs; an
 * app pod (.2) on every node and CoreDNS (10.187.1.24) on .21. Pods have no neighbor entries, so their first hop is
 * resolved by ARP. Faults are edits of one namespace's snapshot.
 */
final class FlannelCluster {
    static final String N19 = "172.31.159.19";
    static final String N20 = "172.31.159.20";
    static final String N21 = "172.31.159.21";
    static final String COREDNS = "coredns@" + N21;
    static final Ipv4 COREDNS_IP = Ipv4.parse("10.187.1.24");
    static final MacAddress DRIFTED = MacAddress.parse("b6:9b:ed:b0:37:74");

    static final int UP = Link.Flag.mask(Link.Flag.UP, Link.Flag.BROADCAST, Link.Flag.RUNNING, Link.Flag.MULTICAST,
            Link.Flag.LOWER_UP);
    static final LinkRef LO = new LinkRef(1, "lo");
    static final LinkRef ETH0 = new LinkRef(2, "eth0");
    static final LinkRef FLANNEL = new LinkRef(3, "flannel.1");
    static final LinkRef CNI0 = new LinkRef(4, "cni0");

    /** A node: its name, public IP, pod subnet (a /24) and VtepMAC. */
    private record Plan(String name, Ipv4 publicIp, Ipv4Prefix subnet, MacAddress vtepMac) {
        Ipv4 vtep() {
            return subnet.network();
        }

        Ipv4 pod(int host) {
            return subnet.host(host);
        }

        int index() {
            return (publicIp.bits() & 0xffff) - (19 + 159 * 256);
        }
    }

    private static Plan field(int octet, int subnet, String vtepMac) {
        return new Plan("172.31.159." + octet, Ipv4.parse("172.31.159." + octet),
                Ipv4Prefix.parse("10.187." + subnet + ".0/24"), MacAddress.parse(vtepMac));
    }

    private static final List<Plan> FIELD = List.of(
            field(19, 0, "ea:77:37:86:ee:bf"),
            field(20, 2, "f2:d2:28:8e:4c:61"),
            field(21, 1, "2a:f1:d4:d0:32:24"));

    private final List<Plan> plans;
    private final int underlayLength;
    final Map<String, NodeState> nodes = new LinkedHashMap<>();
    final Map<String, NodeState> pods = new LinkedHashMap<>();
    final List<PodAttachment> attachments = new ArrayList<>();

    private FlannelCluster(List<Plan> plans, int underlayLength) {
        this.plans = plans;
        this.underlayLength = underlayLength;
        for (Plan plan : plans) {
            List<String> podNames = plan.name().equals(N21) ? List.of("app", "coredns") : List.of("app");
            nodes.put(plan.name(), node(plan, podNames));
            for (String podName : podNames) {
                String key = podName + "@" + plan.name();
                int host = podName.equals("app") ? 2 : 24;
                pods.put(key, pod(plan, host, podMac(plan.index(), host)));
                attachments.add(new PodAttachment(key, plan.name(), hostVeth(key)));
            }
        }
    }

    static FlannelCluster healthy() {
        return new FlannelCluster(FIELD, 24);
    }

    /**
     * A healthy cluster of any size on the same pattern: nodes 172.31.159.19 onwards on a 172.31.0.0/16 underlay,
     * subnets 10.(n / 256).(n % 256).0/24 of 10.0.0.0/8, random VtepMACs.
     */
    static FlannelCluster synthetic(int size) {
        java.util.Random random = new java.util.Random(size);
        List<Plan> plans = new ArrayList<>();
        for (int n = 0; n < size; n++) {
            Ipv4 ip = Ipv4.parse("172.31.159.19").plus(n);
            plans.add(new Plan(ip.toString(), ip, new Ipv4Prefix(new Ipv4((10 << 24) + (n << 8)), 24),
                    MacAddress.randomLocal(random)));
        }
        return new FlannelCluster(plans, 16);
    }

    static Ipv4 appIp(String node) {
        return FIELD.stream().filter(p -> p.name().equals(node)).findFirst().orElseThrow().pod(2);
    }

    /** Every node name, in order. */
    List<String> nodeNames() {
        return plans.stream().map(Plan::name).toList();
    }

    /** The app pod's address on any node of this cluster. */
    Ipv4 appIpOf(String node) {
        return plans.stream().filter(p -> p.name().equals(node)).findFirst().orElseThrow().pod(2);
    }

    /** A pod's eth0 MAC, CNI style: 0a:58:0a:bb:NODE:HOST (NODE counts from 0 for .19). */
    static long podMac(int node, int host) {
        return 0x0a_58_0a_bb_00_00L + node * 256L + host;
    }

    static String hostVeth(String podKey) {
        return "veth" + Integer.toHexString(podKey.hashCode() & 0x0fffffff);
    }

    DataplaneModel model() {
        return DataplaneModel.of(nodes, pods, attachments);
    }

    /** Edits one namespace's snapshot (node or pod). */
    FlannelCluster edit(String key, UnaryOperator<NodeState> edit) {
        Map<String, NodeState> map = nodes.containsKey(key) ? nodes : pods;
        map.put(key, edit.apply(map.get(key)));
        return this;
    }

    // ---- namespaces ----------------------------------------------------------------------------------------------

    private NodeState node(Plan plan, List<String> podNames) {
        List<Link> links = new ArrayList<>();
        links.add(loopback());
        links.add(new Link(2, "eth0", Optional.of("veth"), Optional.of(mac(0x02_42_ac_1f_00_00L + (plan.publicIp().bits() & 0xffff))), 1500, UP,
                Link.OperState.UP, Optional.empty(), Optional.empty(), Optional.empty()));
        links.add(new Link(3, "flannel.1", Optional.of("vxlan"), Optional.of(plan.vtepMac()), 1450, UP,
                Link.OperState.UNKNOWN, Optional.empty(),
                Optional.of(new VxlanInfo(1, Optional.of(plan.publicIp()), 8472, false, Optional.of(ETH0))),
                Optional.empty()));
        links.add(new Link(4, "cni0", Optional.of("bridge"), Optional.of(mac(0x0a_54_60_2b_00_00L + plan.index())), 1450,
                UP, Link.OperState.UP, Optional.empty(), Optional.empty(), Optional.empty()));
        for (int i = 0; i < podNames.size(); i++) {
            String key = podNames.get(i) + "@" + plan.name();
            links.add(new Link(5 + i, hostVeth(key), Optional.of("veth"), Optional.of(mac(0x8e_11_00_00_00_00L
                    + plan.index() * 256L + i)), 1450, UP, Link.OperState.UP, Optional.of(CNI0), Optional.empty(),
                    Optional.empty()));
        }
        Ipv4Prefix subnet = plan.subnet();
        List<Address> addresses = List.of(
                new Address(LO, Ipv4Prefix.parse("127.0.0.1/8"), Scope.HOST),
                new Address(ETH0, new Ipv4Prefix(plan.publicIp(), underlayLength), Scope.UNIVERSE),
                new Address(FLANNEL, new Ipv4Prefix(plan.vtep(), 32), Scope.UNIVERSE),
                new Address(CNI0, new Ipv4Prefix(plan.pod(1), 24), Scope.UNIVERSE));
        List<Route> routes = new ArrayList<>(List.of(
                route(Route.TABLE_MAIN, Route.Type.UNICAST, "0.0.0.0/0", "172.31.159.254", ETH0, 0, Scope.UNIVERSE,
                        null),
                route(Route.TABLE_MAIN, Route.Type.UNICAST, subnet.toString(), null, CNI0, 0, Scope.LINK,
                        plan.pod(1).toString()),
                route(Route.TABLE_MAIN, Route.Type.UNICAST,
                        new Ipv4Prefix(plan.publicIp(), underlayLength).canonical().toString(), null, ETH0, 0, Scope.LINK,
                        plan.publicIp().toString()),
                route(Route.TABLE_LOCAL, Route.Type.LOCAL, plan.vtep() + "/32", null, FLANNEL, 0, Scope.HOST,
                        plan.vtep().toString()),
                route(Route.TABLE_LOCAL, Route.Type.LOCAL, plan.pod(1) + "/32", null, CNI0, 0, Scope.HOST,
                        plan.pod(1).toString()),
                route(Route.TABLE_LOCAL, Route.Type.BROADCAST, plan.pod(255) + "/32", null, CNI0, 0, Scope.LINK,
                        plan.pod(1).toString()),
                route(Route.TABLE_LOCAL, Route.Type.LOCAL, "127.0.0.0/8", null, LO, 0, Scope.HOST, "127.0.0.1"),
                route(Route.TABLE_LOCAL, Route.Type.LOCAL, plan.publicIp() + "/32", null, ETH0, 0, Scope.HOST,
                        plan.publicIp().toString())));
        List<Neighbor> neighbors = new ArrayList<>();
        List<FdbEntry> fdb = new ArrayList<>();
        for (Plan peer : plans) {
            if (peer == plan) {
                continue;
            }
            MacAddress peerMac = peer.vtepMac();
            neighbors.add(new Neighbor(FLANNEL, peer.vtep(), Optional.of(peerMac), Neighbor.State.PERMANENT.bit()));
            fdb.add(new FdbEntry(FLANNEL, peerMac, Optional.of(peer.publicIp()),
                    FdbEntry.Flag.SELF.bit(), Neighbor.State.PERMANENT.bit()));
            routes.add(route(Route.TABLE_MAIN, Route.Type.UNICAST, peer.subnet().toString(), peer.vtep().toString(), FLANNEL,
                    Route.Flag.ONLINK.bit(), Scope.UNIVERSE, null));
        }
        return new NodeState(links, addresses, routes, neighbors, fdb, sysctls(true, 0), NmFacts.NOT_INSPECTED);
    }

    private static NodeState pod(Plan plan, int host, long macBits) {
        Ipv4 ip = plan.pod(host);
        Ipv4Prefix subnet = plan.subnet();
        LinkRef eth0 = new LinkRef(2, "eth0");
        List<Link> links = List.of(loopback(), new Link(2, "eth0", Optional.of("veth"), Optional.of(mac(macBits)), 1500,
                UP, Link.OperState.UP, Optional.empty(), Optional.empty(), Optional.empty()));
        List<Address> addresses = List.of(
                new Address(LO, Ipv4Prefix.parse("127.0.0.1/8"), Scope.HOST),
                new Address(eth0, new Ipv4Prefix(ip, 24), Scope.UNIVERSE));
        List<Route> routes = List.of(
                route(Route.TABLE_MAIN, Route.Type.UNICAST, "0.0.0.0/0", plan.pod(1).toString(), eth0, 0, Scope.UNIVERSE,
                        null),
                route(Route.TABLE_MAIN, Route.Type.UNICAST, subnet.toString(), null, eth0, 0, Scope.LINK, ip.toString()),
                route(Route.TABLE_LOCAL, Route.Type.LOCAL, ip + "/32", null, eth0, 0, Scope.HOST, ip.toString()),
                route(Route.TABLE_LOCAL, Route.Type.LOCAL, "127.0.0.0/8", null, LO, 0, Scope.HOST, "127.0.0.1"));
        return new NodeState(links, addresses, routes, List.of(), List.of(), sysctls(false, 0), NmFacts.NOT_INSPECTED);
    }

    private static Link loopback() {
        return new Link(1, "lo", Optional.empty(), Optional.of(new MacAddress(0)), 65536,
                Link.Flag.mask(Link.Flag.UP, Link.Flag.LOOPBACK, Link.Flag.RUNNING, Link.Flag.LOWER_UP),
                Link.OperState.UNKNOWN, Optional.empty(), Optional.empty(), Optional.empty());
    }

    static MacAddress mac(long bits) {
        return new MacAddress(bits & 0xffff_ffff_ffffL);
    }

    static Sysctls sysctls(boolean forward, int rpFilterAll) {
        return new Sysctls(forward, rpFilterAll, 0, Map.of());
    }

    static Route route(int table, Route.Type type, String dst, String via, LinkRef dev, int flags, Scope scope,
            String src) {
        return new Route(table, type, Ipv4Prefix.parse(dst), Optional.ofNullable(via).map(Ipv4::parse),
                Optional.ofNullable(dev), flags, scope, table == Route.TABLE_LOCAL ? Route.Protocol.KERNEL
                : Route.Protocol.BOOT, Optional.ofNullable(src).map(Ipv4::parse), 0);
    }

    // ---- edits ---------------------------------------------------------------------------------------------------

    static UnaryOperator<NodeState> link(String name, UnaryOperator<Link> edit) {
        return s -> new NodeState(s.links().stream().map(l -> l.name().equals(name) ? edit.apply(l) : l).toList(),
                s.addresses(), s.routes(), s.neighbors(), s.fdb(), s.sysctls(), s.networkManager(), s.firewall(), s.rules(), s.udev());
    }

    static UnaryOperator<Link> withMac(MacAddress mac) {
        return l -> new Link(l.index(), l.name(), l.kind(), Optional.of(mac), l.mtu(), l.flags(), l.operState(),
                l.master(), l.vxlan(), l.counters());
    }

    static UnaryOperator<Link> withMtu(int mtu) {
        return l -> new Link(l.index(), l.name(), l.kind(), l.mac(), mtu, l.flags(), l.operState(), l.master(),
                l.vxlan(), l.counters());
    }

    static UnaryOperator<Link> down() {
        return l -> new Link(l.index(), l.name(), l.kind(), l.mac(), l.mtu(), l.flags() & ~(Link.Flag.UP.bit()
                | Link.Flag.RUNNING.bit() | Link.Flag.LOWER_UP.bit()), Link.OperState.DOWN, l.master(), l.vxlan(),
                l.counters());
    }

    static UnaryOperator<Link> nomaster() {
        return l -> new Link(l.index(), l.name(), l.kind(), l.mac(), l.mtu(), l.flags(), l.operState(),
                Optional.empty(), l.vxlan(), l.counters());
    }

    static UnaryOperator<NodeState> withoutRoutes(Predicate<Route> which) {
        return s -> new NodeState(s.links(), s.addresses(), s.routes().stream().filter(which.negate()).toList(),
                s.neighbors(), s.fdb(), s.sysctls(), s.networkManager(), s.firewall(), s.rules(), s.udev());
    }

    static UnaryOperator<NodeState> plusRoute(Route route) {
        return s -> {
            List<Route> routes = new ArrayList<>(s.routes());
            routes.add(route);
            return new NodeState(s.links(), s.addresses(), routes, s.neighbors(), s.fdb(), s.sysctls(),
                    s.networkManager(), s.firewall(), s.rules(), s.udev());
        };
    }

    static UnaryOperator<NodeState> plusNeighbor(Neighbor neighbor) {
        return s -> {
            List<Neighbor> neighbors = new ArrayList<>(s.neighbors());
            neighbors.add(neighbor);
            return new NodeState(s.links(), s.addresses(), s.routes(), neighbors, s.fdb(), s.sysctls(),
                    s.networkManager(), s.firewall(), s.rules(), s.udev());
        };
    }

    static UnaryOperator<NodeState> withoutNeighbors(Predicate<Neighbor> which) {
        return s -> new NodeState(s.links(), s.addresses(), s.routes(),
                s.neighbors().stream().filter(which.negate()).toList(), s.fdb(), s.sysctls(), s.networkManager(), s.firewall(), s.rules(), s.udev());
    }

    static UnaryOperator<NodeState> withoutFdb(Predicate<FdbEntry> which) {
        return s -> new NodeState(s.links(), s.addresses(), s.routes(), s.neighbors(),
                s.fdb().stream().filter(which.negate()).toList(), s.sysctls(), s.networkManager(), s.firewall(), s.rules(), s.udev());
    }

    static UnaryOperator<NodeState> sysctls(Sysctls sysctls) {
        return s -> new NodeState(s.links(), s.addresses(), s.routes(), s.neighbors(), s.fdb(), sysctls,
                s.networkManager(), s.firewall(), s.rules(), s.udev());
    }
}
