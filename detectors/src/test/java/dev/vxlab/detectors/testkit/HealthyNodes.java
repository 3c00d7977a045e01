package dev.vxlab.detectors.testkit;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.advertised.SubnetEnv;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.LinkCounters;
import dev.vxlab.detectors.state.LinkRef;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NmFacts;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.Scope;
import dev.vxlab.detectors.state.Sysctls;
import dev.vxlab.detectors.state.VxlanInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Every node of a {@link ClusterPlan} exactly as flannel's vxlan backend and the bridge CNI plugin program it, read
 * back the way a snapshot source reads a real kernel: flannel.1 (vxlan nolearning, local = public IP, dev eth0, MAC =
 * the advertised VtepMAC, mtu underlay - 50) with {@code <subnet>.0/32}, cni0 with {@code <subnet>.1/len}, pod veths
 * on cni0, per peer a permanent neighbor, an FDB entry and an onlink route, plus the main and local tables' kernel
 * routes for that kernel (4.19 also has broadcast routes for network addresses). Hosts differ the way real ones do
 * (rp_filter defaults, NetworkManager, a NIC or a veth as eth0), always within what is healthy.
 *
 * <p>Snapshots are computed on demand, so one node of a thousand-node cluster costs one node's worth.
 */
public final class HealthyNodes {
    private static final List<String> FIELD_MACS = List.of(
            "ea:77:37:86:ee:bf", "f2:d2:28:8e:4c:61", "2a:f1:d4:d0:32:24", "4a:e7:02:47:20:b8", "ce:ce:f3:fc:3f:77");
    private static final int[] FIELD_LEASES = {0, 2, 1, 4, 3};
    /** The field report's permanent fix: /etc/NetworkManager/conf.d/k8s.conf. */
    public static final List<String> FIELD_UNMANAGED = List.of("interface-name:cali*", "interface-name:tunl*",
            "interface-name:vxlan.calico", "interface-name:flannel*", "interface-name:veth*", "interface-name:cni0",
            "interface-name:docker0");
    static final int UP = Link.Flag.mask(Link.Flag.UP, Link.Flag.BROADCAST, Link.Flag.MULTICAST, Link.Flag.RUNNING,
            Link.Flag.LOWER_UP);
    static final int LO = 1;
    static final int ETH0 = 2;
    static final int VTEP = 3;
    static final int BRIDGE = 4;
    static final int FIRST_VETH = 5;

    private final ClusterPlan plan;
    private final List<AdvertisedNode> nodes;
    private final ClusterView view;
    private final Map<String, Integer> indexByName = new HashMap<>();

    private HealthyNodes(ClusterPlan plan) {
        this.plan = plan;
        Random random = new Random(plan.seed());
        int leases = (int) Math.min(1L << (plan.subnetLength() - plan.podNetwork().length()), Integer.MAX_VALUE);
        List<Integer> leaseOrder = leaseOrder(plan, leases, random);
        Set<MacAddress> macs = new HashSet<>();
        List<AdvertisedNode> list = new ArrayList<>();
        for (int i = 0; i < plan.nodes(); i++) {
            MacAddress mac;
            if (plan.fieldLeases() && i < FIELD_MACS.size()) {
                mac = MacAddress.parse(FIELD_MACS.get(i));
            } else {
                do {
                    mac = MacAddress.randomLocal(random);
                } while (macs.contains(mac));
            }
            macs.add(mac);
            Ipv4 ip = plan.underlay().host(plan.firstHost() + i);
            String name = plan.namePrefix() + (plan.firstHost() + i);
            list.add(new AdvertisedNode(name, plan.podNetwork().subnet(plan.subnetLength(), leaseOrder.get(i)), ip, mac,
                    "vxlan", true));
            indexByName.put(name, i);
        }
        this.nodes = List.copyOf(list);
        this.view = new ClusterView(nodes);
    }

    public static HealthyNodes of(ClusterPlan plan) {
        return new HealthyNodes(plan);
    }

    /** flannel hands out leases in no particular order; the field's is the report's. */
    private static List<Integer> leaseOrder(ClusterPlan plan, int leases, Random random) {
        List<Integer> order = new ArrayList<>();
        if (plan.fieldLeases() && plan.nodes() >= FIELD_LEASES.length) {
            for (int l : FIELD_LEASES) {
                order.add(l);
            }
        }
        Set<Integer> used = new HashSet<>(order);
        int spread = Math.min(leases, Math.max(plan.nodes() * 2, 8));
        while (order.size() < plan.nodes()) {
            int l = plan.nodes() > spread / 2 ? order.size() : random.nextInt(spread);
            if (used.add(l)) {
                order.add(l);
            }
        }
        return order;
    }

    public ClusterPlan plan() {
        return plan;
    }

    public ClusterView view() {
        return view;
    }

    public List<String> names() {
        return nodes.stream().map(AdvertisedNode::name).toList();
    }

    public AdvertisedNode node(String name) {
        return nodes.get(index(name));
    }

    /** The node's subnet.env as flanneld writes it. */
    public SubnetEnv subnetEnv(String name) {
        AdvertisedNode n = node(name);
        return new SubnetEnv(plan.podNetwork(), bridgeAddress(n), plan.underlayMtu() - 50, true);
    }

    /** What the doctor gets for a healthy node: this snapshot (also as the previous one), subnet.env, the view. */
    public DetectionInput input(String name) {
        NodeState s = state(name);
        return new DetectionInput(name, s, Optional.of(s), view, Optional.of(subnetEnv(name)), plan.flannel());
    }

    /** The same input with another current snapshot (the healthy one stays the previous one). */
    public DetectionInput input(String name, NodeState current) {
        return new DetectionInput(name, current, Optional.of(state(name)), view, Optional.of(subnetEnv(name)),
                plan.flannel());
    }

    /** The names of the pods' host-side veths on the node, in pod order. */
    public List<String> veths(String name) {
        List<String> out = new ArrayList<>();
        for (int p = 0; p < plan.podsPerNode(); p++) {
            CRC32 crc = new CRC32();
            crc.update(("pod-" + p + "@" + name).getBytes(StandardCharsets.UTF_8));
            out.add("veth%08x".formatted(crc.getValue()));
        }
        return out;
    }

    public Ipv4 gateway() {
        return plan.underlay().host((int) plan.underlay().size() - 2);
    }

    /** An underlay address no node has (where a departed node used to be). */
    public Ipv4 unusedUnderlayAddress() {
        return plan.underlay().host(plan.firstHost() + plan.nodes());
    }

    private int index(String name) {
        Integer i = indexByName.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no node " + name + " in " + names());
        }
        return i;
    }

    private static Ipv4Prefix bridgeAddress(AdvertisedNode n) {
        return new Ipv4Prefix(n.podCidr().host(1), n.podCidr().length());
    }

    /** The node's healthy snapshot. */
    public NodeState state(String name) {
        int i = index(name);
        AdvertisedNode self = nodes.get(i);
        Random random = new Random(plan.seed() * 1_000_003L + i);
        Host host = Host.pick(random);
        boolean recent = plan.kernel() == ClusterPlan.Kernel.RECENT;
        int overlayMtu = plan.underlayMtu() - 50;
        String vtepName = plan.flannel().vtepDevice();
        String bridgeName = plan.flannel().bridgeDevice();
        boolean pods = plan.podsPerNode() > 0;

        LinkRef lo = new LinkRef(LO, "lo");
        LinkRef eth0 = new LinkRef(ETH0, "eth0");
        LinkRef vtep = new LinkRef(VTEP, vtepName);
        LinkRef bridge = new LinkRef(BRIDGE, bridgeName);
        Ipv4 publicIp = self.publicIp();
        Ipv4Prefix underlay = plan.underlay();
        Ipv4 vtepIp = self.podCidr().network();
        Ipv4Prefix bridgeAddr = bridgeAddress(self);

        List<Link> links = new ArrayList<>();
        links.add(new Link(LO, "lo", Optional.empty(), Optional.of(new MacAddress(0)), 65536,
                Link.Flag.mask(Link.Flag.UP, Link.Flag.LOOPBACK, Link.Flag.RUNNING, Link.Flag.LOWER_UP),
                Link.OperState.UNKNOWN, Optional.empty(), Optional.empty(), counters(random, recent)));
        links.add(new Link(ETH0, "eth0", host.nicKind(), Optional.of(new MacAddress(0x0242_0000_0000L
                | Integer.toUnsignedLong(publicIp.bits()))), plan.underlayMtu(), UP, Link.OperState.UP,
                Optional.empty(), Optional.empty(), counters(random, recent)));
        links.add(new Link(VTEP, vtepName, Optional.of("vxlan"), Optional.of(self.vtepMac()), overlayMtu, UP,
                Link.OperState.UNKNOWN, Optional.empty(),
                Optional.of(new VxlanInfo(plan.flannel().vni(), Optional.of(publicIp), plan.flannel().port(), false,
                        Optional.of(eth0))), counters(random, recent)));
        List<String> vethNames = veths(name);
        if (pods) {
            links.add(new Link(BRIDGE, bridgeName, Optional.of("bridge"), Optional.of(MacAddress.randomLocal(random)),
                    overlayMtu, UP, Link.OperState.UP, Optional.empty(), Optional.empty(), counters(random, recent)));
            for (int p = 0; p < vethNames.size(); p++) {
                links.add(new Link(FIRST_VETH + p, vethNames.get(p), Optional.of("veth"),
                        Optional.of(MacAddress.randomLocal(random)), overlayMtu, UP, Link.OperState.UP,
                        Optional.of(bridge), Optional.empty(), counters(random, recent)));
            }
        }

        List<Address> addresses = new ArrayList<>();
        addresses.add(new Address(lo, Ipv4Prefix.parse("127.0.0.1/8"), Scope.HOST));
        addresses.add(new Address(eth0, new Ipv4Prefix(publicIp, underlay.length()), Scope.UNIVERSE));
        addresses.add(new Address(vtep, new Ipv4Prefix(vtepIp, 32), Scope.UNIVERSE));
        if (pods) {
            addresses.add(new Address(bridge, bridgeAddr, Scope.UNIVERSE));
        }

        List<Route> routes = new ArrayList<>();
        routes.add(main(Route.Type.UNICAST, Ipv4Prefix.parse("0.0.0.0/0"), Optional.of(gateway()), eth0, 0,
                Scope.UNIVERSE, host.defaultRouteProtocol(), Optional.empty()));
        routes.add(main(Route.Type.UNICAST, underlay.canonical(), Optional.empty(), eth0, 0, Scope.LINK,
                Route.Protocol.KERNEL, Optional.of(publicIp)));
        if (pods) {
            routes.add(main(Route.Type.UNICAST, self.podCidr().canonical(), Optional.empty(), bridge, 0, Scope.LINK,
                    Route.Protocol.KERNEL, Optional.of(bridgeAddr.address())));
        }
        for (AdvertisedNode peer : nodes) {
            if (peer != self) {
                routes.add(main(Route.Type.UNICAST, peer.podCidr().canonical(), Optional.of(peer.podCidr().network()),
                        vtep, Route.Flag.ONLINK.bit(), Scope.UNIVERSE, Route.Protocol.BOOT, Optional.empty()));
            }
        }
        routes.addAll(localRoutes(lo, Ipv4Prefix.parse("127.0.0.1/8"), recent));
        routes.addAll(localRoutes(eth0, new Ipv4Prefix(publicIp, underlay.length()), recent));
        routes.addAll(localRoutes(vtep, new Ipv4Prefix(vtepIp, 32), recent));
        if (pods) {
            routes.addAll(localRoutes(bridge, bridgeAddr, recent));
        }

        int permanent = Neighbor.State.PERMANENT.bit();
        List<Neighbor> neighbors = new ArrayList<>();
        List<FdbEntry> fdb = new ArrayList<>();
        neighbors.add(new Neighbor(eth0, gateway(), Optional.of(MacAddress.randomLocal(random)),
                Neighbor.State.REACHABLE.bit()));
        for (AdvertisedNode peer : nodes) {
            if (peer != self) {
                neighbors.add(new Neighbor(vtep, peer.podCidr().network(), Optional.of(peer.vtepMac()), permanent));
                fdb.add(new FdbEntry(vtep, peer.vtepMac(), Optional.of(peer.publicIp()), FdbEntry.Flag.SELF.bit(),
                        permanent));
            }
        }
        if (pods) {
            for (int p = 0; p < plan.podsPerNode(); p++) {
                neighbors.add(new Neighbor(bridge, self.podCidr().host(2 + p), Optional.of(MacAddress.randomLocal(random)),
                        Neighbor.State.STALE.bit()));
            }
        }

        Map<String, Integer> rp = new HashMap<>();
        for (Link l : links) {
            rp.put(l.name(), l.isLoopback() ? 0 : host.rpFilterFor(l.name()));
        }
        Sysctls sysctls = new Sysctls(true, host.rpFilterAll(), host.rpFilterDefault(), rp);
        return new NodeState(links, addresses, routes, neighbors, fdb, sysctls, host.networkManager());
    }

    private static Route main(Route.Type type, Ipv4Prefix dst, Optional<Ipv4> via, LinkRef dev, int flags, Scope scope,
            Route.Protocol protocol, Optional<Ipv4> src) {
        return new Route(Route.TABLE_MAIN, type, dst, via, Optional.of(dev), flags, scope, protocol, src, 0);
    }

    /**
     * The local-table routes the kernel adds for an address: local for the address (and for the whole prefix on lo),
     * broadcast for the broadcast address, and on 4.19 also broadcast for the network address. None for a /32.
     */
    static List<Route> localRoutes(LinkRef dev, Ipv4Prefix address, boolean recent) {
        List<Route> out = new ArrayList<>();
        Optional<Ipv4> src = Optional.of(address.address());
        out.add(local(Route.Type.LOCAL, new Ipv4Prefix(address.address(), 32), dev, Scope.HOST, src));
        if (dev.name().equals("lo")) {
            out.add(local(Route.Type.LOCAL, address.canonical(), dev, Scope.HOST, src));
        }
        if (address.length() < 31) {
            out.add(local(Route.Type.BROADCAST, new Ipv4Prefix(address.host((int) address.size() - 1), 32), dev,
                    Scope.LINK, src));
            if (!recent) {
                out.add(local(Route.Type.BROADCAST, new Ipv4Prefix(address.network(), 32), dev, Scope.LINK, src));
            }
        }
        return out;
    }

    private static Route local(Route.Type type, Ipv4Prefix dst, LinkRef dev, Scope scope, Optional<Ipv4> src) {
        return new Route(Route.TABLE_LOCAL, type, dst, Optional.empty(), Optional.of(dev), 0, scope,
                Route.Protocol.KERNEL, src, 0);
    }

    private static Optional<LinkCounters> counters(Random random, boolean recent) {
        long rx = random.nextInt(1_000_000);
        long tx = random.nextInt(1_000_000);
        return Optional.of(new LinkCounters(rx, rx * 600, 0, random.nextInt(10), tx, tx * 600, 0, 0,
                recent ? OptionalLong.of(0) : OptionalLong.empty()));
    }

    /** How real hosts differ while healthy: reverse-path filtering, NetworkManager, eth0 a NIC or a veth. */
    private record Host(int rpFilterAll, int rpFilterDefault, int eth0RpFilter, NmFacts networkManager,
                        Optional<String> nicKind, Route.Protocol defaultRouteProtocol) {
        static Host pick(Random random) {
            int style = random.nextInt(4);
            int all = style == 2 ? 2 : 0;                        // Ubuntu's sysctl.d sets all=2
            int dflt = style == 1 ? 0 : 2;
            int eth0 = style == 3 ? Sysctls.RP_FILTER_STRICT : dflt; // strict on the underlay only is fine
            NmFacts nm = switch (random.nextInt(4)) {
                case 0 -> NmFacts.NOT_INSPECTED;
                case 1 -> new NmFacts(true, false, List.of());
                case 2 -> new NmFacts(true, true, FIELD_UNMANAGED);
                default -> new NmFacts(true, true, List.of("*"));
            };
            Optional<String> nic = random.nextBoolean() ? Optional.empty() : Optional.of("veth");
            Route.Protocol proto = random.nextBoolean() ? Route.Protocol.DHCP : Route.Protocol.BOOT;
            return new Host(all, dflt, eth0, nm, nic, proto);
        }

        int rpFilterFor(String device) {
            return device.equals("eth0") ? eth0RpFilter : rpFilterDefault;
        }
    }
}
