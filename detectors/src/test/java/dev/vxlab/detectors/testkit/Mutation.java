package dev.vxlab.detectors.testkit;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.firewall.Ruleset;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Finding;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One corruption of one node's snapshot, as the kernel would show it, with the finding the doctor must report for it.
 * A mutation whose target is already gone (its device deleted) changes nothing.
 */
public sealed interface Mutation {

    /** What must survive for a finding to be reported at all (the root-cause rules). */
    enum Needs {
        /** Reported whatever else is broken. */
        NOTHING,
        /** Not reported when the VXLAN device is deleted. */
        VTEP,
        /** Not reported when the VXLAN device is deleted, down or without its address (the kernel dropped routes). */
        VTEP_ROUTES
    }

    /** A finding the mutation must cause: its fault id and device. */
    record Expected(String fault, String device, Needs needs) {}

    /** Two mutations with one slot would corrupt the same entry; a random test applies at most one per slot. */
    String slot();

    /** Whether applying both could let one erase the other's evidence (same slot, or a flush over the other's). */
    default boolean conflictsWith(Mutation other) {
        return slot().equals(other.slot());
    }

    List<Expected> expected(Target t);

    NodeState apply(NodeState s, Target t);

    /** The (fault, device) pairs a node must report after these mutations, root-cause rules applied. */
    static List<String> expectedFindings(List<Mutation> applied, Target t) {
        boolean vtepGone = applied.stream().anyMatch(m -> m instanceof DeleteVxlan);
        boolean routesGone = vtepGone
                || applied.stream().anyMatch(m -> m instanceof VtepDown || m instanceof RemoveVtepAddress);
        return applied.stream().flatMap(m -> m.expected(t).stream())
                .filter(e -> !(e.needs() == Needs.VTEP && vtepGone))
                .filter(e -> !(e.needs() == Needs.VTEP_ROUTES && routesGone))
                .map(e -> key(e.fault(), e.device())).distinct().sorted().toList();
    }

    static String key(String fault, String device) {
        return fault + "@" + (device.isEmpty() ? "node" : device);
    }

    static String key(Finding f) {
        return key(f.fault(), f.device());
    }

    private static Optional<LinkRef> ref(NodeState s, String dev) {
        return s.link(dev).map(Link::ref);
    }

    // ---- the VXLAN device ---------------------------------------------------------------------------------------

    /** flannel.1 gets another MAC and flanneld re-programs its neighbors, as the lab's fault does. */
    record DriftVtepMac(MacAddress mac) implements Mutation {
        public String slot() {
            return "mac";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.VTEP_MAC_DRIFT, t.vtep(), Needs.VTEP));
        }

        public NodeState apply(NodeState s, Target t) {
            return KernelEdits.setMac(s, t.vtep(), mac);
        }
    }

    /**
     * udev's MACAddressPolicy=persistent gives flannel.1 the MAC it derives from the node's machine id (no .link file
     * keeps it), after flanneld advertised the kernel's: the drift, and udev named as its cause.
     */
    record UdevPersistentMac(String machineId) implements Mutation {
        public String slot() {
            return "mac";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.VTEP_MAC_DRIFT, t.vtep(), Needs.VTEP),
                    new Expected(FaultIds.UDEV_MAC_POLICY, t.vtep(), Needs.VTEP));
        }

        public NodeState apply(NodeState s, Target t) {
            var udev = new dev.vxlab.detectors.state.UdevFacts(true, Optional.of(machineId), List.of());
            return KernelEdits.setMac(s, t.vtep(), udev.persistentMac(t.vtep()).orElseThrow()).withUdev(udev);
        }
    }

    record DeleteVxlan() implements Mutation {
        public String slot() {
            return "vxlan";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.VXLAN_DEVICE_MISSING, t.vtep(), Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            return KernelEdits.deleteLink(s, t.vtep());
        }
    }

    enum VxlanAttribute { VNI, PORT, LOCAL, LEARNING }

    record VxlanConfig(VxlanAttribute attribute) implements Mutation {
        public String slot() {
            return "vxlan-config";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.VXLAN_CONFIG_MISMATCH, t.vtep(), Needs.VTEP));
        }

        public NodeState apply(NodeState s, Target t) {
            return KernelEdits.setVxlan(s, t.vtep(), v -> switch (attribute) {
                case VNI -> new VxlanInfo(v.vni() + 1, v.local(), v.port(), v.learning(), v.underlay());
                case PORT -> new VxlanInfo(v.vni(), v.local(), v.port() == 4789 ? 8472 : 4789, v.learning(),
                        v.underlay());
                case LOCAL -> new VxlanInfo(v.vni(), Optional.of(t.cluster().unusedUnderlayAddress()), v.port(),
                        v.learning(), v.underlay());
                case LEARNING -> new VxlanInfo(v.vni(), v.local(), v.port(), true, v.underlay());
            });
        }
    }

    record VtepDown() implements Mutation {
        public String slot() {
            return "up:vtep";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.VTEP_LINK_DOWN, t.vtep(), Needs.VTEP));
        }

        public NodeState apply(NodeState s, Target t) {
            return s.link(t.vtep()).isPresent() ? KernelEdits.setDown(s, t.vtep()) : s;
        }
    }

    /** eth0, the device flannel.1 sends through, is set down. */
    record UnderlayDown() implements Mutation {
        public String slot() {
            return "up:eth0";
        }

        public List<Expected> expected(Target t) {
            // Reported even without flannel.1: re-creating the VXLAN device would not bring eth0 up.
            return List.of(new Expected(FaultIds.VTEP_LINK_DOWN, "eth0", Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            return KernelEdits.setDown(s, "eth0");
        }
    }

    record RemoveVtepAddress() implements Mutation {
        public String slot() {
            return "addr:vtep";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.VTEP_ADDRESS_MISSING, t.vtep(), Needs.VTEP));
        }

        public NodeState apply(NodeState s, Target t) {
            return KernelEdits.removeAddress(s, t.vtep(), t.self().vtepAddress());
        }
    }

    /** The VXLAN device's rx_otherhost_dropped rises (a kernel that counts it). */
    record OtherhostRise(long by) implements Mutation {
        public String slot() {
            return "otherhost";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.OTHERHOST_DROPS, t.vtep(), Needs.VTEP));
        }

        public NodeState apply(NodeState s, Target t) {
            return KernelEdits.addOtherhostDrops(s, t.vtep(), by);
        }
    }

    // ---- flannel's per-peer entries ----------------------------------------------------------------------------

    record DropRoute(String peer) implements Mutation {
        public String slot() {
            return "route:" + peer;
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.MISSING_PEER_ROUTE, t.vtep(), Needs.VTEP_ROUTES));
        }

        public NodeState apply(NodeState s, Target t) {
            var subnet = t.peer(peer).podCidr().canonical();
            return KernelEdits.routes(s, r -> !(r.table() == Route.TABLE_MAIN && r.dst().equals(subnet)), List.of());
        }
    }

    /** Every route through flannel.1 is flushed: the field's step 7 without the address loss. */
    record FlushRoutes() implements Mutation {
        public String slot() {
            return "routes";
        }

        @Override
        public boolean conflictsWith(Mutation other) {
            return other.slot().startsWith("route");
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.MISSING_PEER_ROUTE, t.vtep(), Needs.VTEP_ROUTES));
        }

        public NodeState apply(NodeState s, Target t) {
            return KernelEdits.routes(s, r -> !(r.table() == Route.TABLE_MAIN
                    && r.dev().filter(d -> d.name().equals(t.vtep())).isPresent()), List.of());
        }
    }

    enum WrongRouteKind { BLACKHOLE, OTHER_VTEP, VIA_UNDERLAY_GATEWAY, WITHOUT_ONLINK_VIA_BRIDGE }

    record WrongRoute(String peer, WrongRouteKind kind, String otherPeer) implements Mutation {
        public String slot() {
            return "route:" + peer;
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.WRONG_PEER_ROUTE, t.vtep(), Needs.VTEP_ROUTES));
        }

        public NodeState apply(NodeState s, Target t) {
            AdvertisedNode p = t.peer(peer);
            var subnet = p.podCidr().canonical();
            Optional<LinkRef> vtep = ref(s, t.vtep());
            Route wrong = switch (kind) {
                case BLACKHOLE -> new Route(Route.TABLE_MAIN, Route.Type.BLACKHOLE, subnet, Optional.empty(),
                        Optional.empty(), 0, Scope.UNIVERSE, Route.Protocol.BOOT, Optional.empty(), 0);
                case OTHER_VTEP -> new Route(Route.TABLE_MAIN, Route.Type.UNICAST, subnet,
                        Optional.of(t.peer(otherPeer).podCidr().network()), vtep, Route.Flag.ONLINK.bit(),
                        Scope.UNIVERSE, Route.Protocol.BOOT, Optional.empty(), 0);
                case VIA_UNDERLAY_GATEWAY -> new Route(Route.TABLE_MAIN, Route.Type.UNICAST, subnet,
                        Optional.of(t.cluster().gateway()), ref(s, "eth0"), 0, Scope.UNIVERSE, Route.Protocol.STATIC,
                        Optional.empty(), 0);
                case WITHOUT_ONLINK_VIA_BRIDGE -> new Route(Route.TABLE_MAIN, Route.Type.UNICAST, subnet,
                        Optional.empty(), ref(s, t.bridge()), 0, Scope.LINK, Route.Protocol.BOOT, Optional.empty(), 0);
            };
            if (kind == WrongRouteKind.OTHER_VTEP && vtep.isEmpty()) {
                return s;
            }
            return KernelEdits.routes(s, r -> !(r.table() == Route.TABLE_MAIN && r.dst().equals(subnet)),
                    List.of(wrong));
        }
    }

    /** The peer's neighbor entry is deleted, or left FAILED without a MAC. */
    record DropNeighbor(String peer, boolean leaveFailed) implements Mutation {
        public String slot() {
            return "neigh:" + peer;
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.MISSING_PEER_NEIGHBOR, t.vtep(), Needs.VTEP_ROUTES));
        }

        public NodeState apply(NodeState s, Target t) {
            Ipv4 ip = t.peer(peer).podCidr().network();
            List<Neighbor> add = leaveFailed && ref(s, t.vtep()).isPresent()
                    ? List.of(new Neighbor(ref(s, t.vtep()).get(), ip, Optional.empty(), Neighbor.State.FAILED.bit()))
                    : List.of();
            return KernelEdits.neighbors(s, n -> !(n.dev().name().equals(t.vtep()) && n.ip().equals(ip)), add);
        }
    }

    /** The peer re-published another MAC and this node's neighbor entry kept the old one. */
    record StaleNeighbor(String peer, MacAddress oldMac) implements Mutation {
        public String slot() {
            return "neigh:" + peer;
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.STALE_PEER_VTEP_MAC, t.vtep(), Needs.VTEP_ROUTES));
        }

        public NodeState apply(NodeState s, Target t) {
            Ipv4 ip = t.peer(peer).podCidr().network();
            Optional<LinkRef> vtep = ref(s, t.vtep());
            if (vtep.isEmpty()) {
                return s;
            }
            return KernelEdits.neighbors(s, n -> !(n.dev().name().equals(t.vtep()) && n.ip().equals(ip)),
                    List.of(new Neighbor(vtep.get(), ip, Optional.of(oldMac), Neighbor.State.PERMANENT.bit())));
        }
    }

    record DropFdb(String peer) implements Mutation {
        public String slot() {
            return "fdb:" + peer;
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.MISSING_PEER_FDB, t.vtep(), Needs.VTEP));
        }

        public NodeState apply(NodeState s, Target t) {
            MacAddress mac = t.peer(peer).vtepMac();
            return KernelEdits.fdb(s, f -> !f.mac().equals(mac), List.of());
        }
    }

    /** The peer re-published another MAC and this node's FDB entry toward it kept the old one. */
    record StaleFdb(String peer, MacAddress oldMac) implements Mutation {
        public String slot() {
            return "fdb:" + peer;
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.STALE_PEER_VTEP_MAC, t.vtep(), Needs.VTEP));
        }

        public NodeState apply(NodeState s, Target t) {
            AdvertisedNode p = t.peer(peer);
            Optional<LinkRef> vtep = ref(s, t.vtep());
            if (vtep.isEmpty()) {
                return s;
            }
            return KernelEdits.fdb(s, f -> !f.mac().equals(p.vtepMac()), List.of(new FdbEntry(vtep.get(), oldMac,
                    Optional.of(p.publicIp()), FdbEntry.Flag.SELF.bit(), Neighbor.State.PERMANENT.bit())));
        }
    }

    record WrongFdbDst(String peer, Ipv4 dst) implements Mutation {
        public String slot() {
            return "fdb:" + peer;
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.WRONG_PEER_FDB_DST, t.vtep(), Needs.VTEP));
        }

        public NodeState apply(NodeState s, Target t) {
            MacAddress mac = t.peer(peer).vtepMac();
            Optional<LinkRef> vtep = ref(s, t.vtep());
            if (vtep.isEmpty()) {
                return s;
            }
            return KernelEdits.fdb(s, f -> !f.mac().equals(mac), List.of(new FdbEntry(vtep.get(), mac,
                    Optional.of(dst), FdbEntry.Flag.SELF.bit(), Neighbor.State.PERMANENT.bit())));
        }
    }

    // ---- the bridge and the pods -------------------------------------------------------------------------------

    record RemoveBridgeAddress() implements Mutation {
        public String slot() {
            return "addr:bridge";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.BRIDGE_ADDRESS_MISSING, t.bridge(), Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            var self = t.self();
            return KernelEdits.removeAddress(s, t.bridge(),
                    new dev.vxlab.detectors.addr.Ipv4Prefix(self.podCidr().host(1), self.podCidr().length()));
        }
    }

    record BridgeDown() implements Mutation {
        public String slot() {
            return "up:bridge";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.BRIDGE_LINK_DOWN, t.bridge(), Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            return KernelEdits.setDown(s, t.bridge());
        }
    }

    record VethDown(String veth) implements Mutation {
        public String slot() {
            return "up:" + veth;
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.BRIDGE_LINK_DOWN, veth, Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            return KernelEdits.setDown(s, veth);
        }
    }

    record DetachPort(String veth) implements Mutation {
        public String slot() {
            return "port:" + veth;
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.BRIDGE_PORT_DETACHED, veth, Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            return KernelEdits.noMaster(s, veth);
        }
    }

    /**
     * A device gets another MTU. Findings on flannel.1 and eth0 are about the VXLAN device and need it; cni0 and veths
     * are judged against subnet.env's FLANNEL_MTU, which the tests always give.
     */
    record Mtu(String device, int mtu) implements Mutation {
        public String slot() {
            return "mtu:" + device;
        }

        public List<Expected> expected(Target t) {
            boolean aboutVtep = device.equals(t.vtep()) || device.equals("eth0");
            return List.of(new Expected(FaultIds.MTU_MISMATCH, device, aboutVtep ? Needs.VTEP : Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            return KernelEdits.setMtu(s, device, mtu);
        }
    }

    // ---- node-wide ---------------------------------------------------------------------------------------------

    record IpForwardOff() implements Mutation {
        public String slot() {
            return "ip_forward";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.IP_FORWARD_DISABLED, Finding.NODE_WIDE, Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            Sysctls c = s.sysctls();
            return KernelEdits.sysctls(s, new Sysctls(false, c.rpFilterAll(), c.rpFilterDefault(), c.rpFilter()));
        }
    }

    /**
     * Strict reverse-path filtering where the kernel applies it, max(all, device) = 1. For one device: the device's
     * value 1 and "all" no higher (on a host with all=2, setting the device alone changes nothing, so the script resets
     * all to 0). For "all": a hardening script's {@code net.ipv4.conf.*.rp_filter = 1}, strict everywhere.
     */
    record RpFilterStrict(String device) implements Mutation {
        public String slot() {
            return "rp_filter";
        }

        public List<Expected> expected(Target t) {
            List<Expected> out = new ArrayList<>();
            if (device.equals("all") || device.equals(t.vtep())) {
                out.add(new Expected(FaultIds.RP_FILTER_STRICT, t.vtep(), Needs.VTEP));
            }
            if ((device.equals("all") || device.equals(t.bridge())) && t.hasPods()) {
                out.add(new Expected(FaultIds.RP_FILTER_STRICT, t.bridge(), Needs.NOTHING));
            }
            return out;
        }

        public NodeState apply(NodeState s, Target t) {
            Sysctls c = s.sysctls();
            Map<String, Integer> rp = new HashMap<>(c.rpFilter());
            if (device.equals("all")) {
                rp.replaceAll((dev, value) -> Sysctls.RP_FILTER_STRICT);
                return KernelEdits.sysctls(s, new Sysctls(c.ipForward(), Sysctls.RP_FILTER_STRICT,
                        Sysctls.RP_FILTER_STRICT, rp));
            }
            rp.put(device, Sysctls.RP_FILTER_STRICT);
            int all = c.rpFilterAll() > Sysctls.RP_FILTER_STRICT ? Sysctls.RP_FILTER_OFF : c.rpFilterAll();
            return KernelEdits.sysctls(s, new Sysctls(c.ipForward(), all, c.rpFilterDefault(), rp));
        }
    }

    /** NetworkManager runs with an unmanaged-devices list that misses some of flannel's devices. */
    record NmManages(List<String> unmanaged) implements Mutation {
        public String slot() {
            return "nm";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.NM_MANAGES_CNI_DEVICES, Finding.NODE_WIDE, Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            return KernelEdits.networkManager(s, new NmFacts(true, true, unmanaged));
        }
    }

    // ---- the underlay ---------------------------------------------------------------------------------------------

    /** eth0's address is renumbered (DHCP gave a new lease; the default route came back with it); flannel never saw. */
    record RenumberUnderlay(Ipv4 newAddress) implements Mutation {
        public String slot() {
            return "addr:eth0";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.UNDERLAY_ADDRESS_MISSING, "eth0", Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            Ipv4 old = t.self().publicIp();
            List<dev.vxlab.detectors.state.Address> addresses = s.addresses().stream()
                    .map(a -> a.prefix().address().equals(old)
                            ? new dev.vxlab.detectors.state.Address(a.link(),
                                    new dev.vxlab.detectors.addr.Ipv4Prefix(newAddress, a.prefix().length()), a.scope())
                            : a).toList();
            List<Route> routes = s.routes().stream().map(r -> {
                var dst = r.table() == Route.TABLE_LOCAL && r.dst().address().equals(old) && r.dst().length() == 32
                        ? new dev.vxlab.detectors.addr.Ipv4Prefix(newAddress, 32) : r.dst();
                var src = r.prefsrc().filter(old::equals).isPresent() ? Optional.of(newAddress) : r.prefsrc();
                return new Route(r.table(), r.type(), dst, r.gateway(), r.dev(), r.flags(), r.scope(), r.protocol(),
                        src, r.metric());
            }).toList();
            return new NodeState(s.links(), addresses, routes, s.neighbors(), s.fdb(), s.sysctls(), s.networkManager(),
                    s.firewall(), s.rules(), s.udev());
        }
    }

    /** The main table's default route is deleted. */
    record DropDefaultRoute() implements Mutation {
        public String slot() {
            return "route:default";
        }

        /** The kernel deletes the default route with eth0's carrier or address: the underlay's own finding names it. */
        @Override
        public boolean conflictsWith(Mutation other) {
            return other.slot().equals(slot()) || other.slot().endsWith(":eth0") || other instanceof FlushRoutes;
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.DEFAULT_ROUTE_MISSING, "eth0", Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            return KernelEdits.routes(s, r -> !(r.table() == Route.TABLE_MAIN && r.isDefault()), List.of());
        }
    }

    /** eth0 stays up but loses its carrier (the switch port, or the far end of its veth, went down). */
    record UnderlayNoCarrier() implements Mutation {
        public String slot() {
            return "up:eth0";
        }

        @Override
        public boolean conflictsWith(Mutation other) {
            return other.slot().equals(slot()) || other instanceof DropDefaultRoute || other instanceof UnreachablePeerIp;
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.UNDERLAY_NO_CARRIER, "eth0", Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            return KernelEdits.mapLink(s, "eth0", l -> new Link(l.index(), l.name(), l.kind(), l.mac(), l.mtu(),
                    l.flags() & ~Link.Flag.mask(Link.Flag.LOWER_UP, Link.Flag.RUNNING), Link.OperState.LOWERLAYERDOWN,
                    l.master(), l.vxlan(), l.counters()));
        }
    }

    /** An unreachable route to one peer's public IP (a leftover of a decommissioned host, a hardening script). */
    record UnreachablePeerIp(String peer) implements Mutation {
        public String slot() {
            return "underlay-route:" + peer;
        }

        /** Silent while eth0 is down or without a carrier (its own finding names that). */
        @Override
        public boolean conflictsWith(Mutation other) {
            return other.slot().equals(slot()) || other.slot().equals("up:eth0");
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.UNDERLAY_ROUTE_MISSING, "eth0", Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            Ipv4 ip = t.peer(peer).publicIp();
            return KernelEdits.routes(s, r -> true, List.of(new Route(Route.TABLE_MAIN, Route.Type.UNREACHABLE,
                    new dev.vxlab.detectors.addr.Ipv4Prefix(ip, 32), Optional.empty(), Optional.empty(), 0,
                    Scope.UNIVERSE, Route.Protocol.BOOT, Optional.empty(), 0)));
        }
    }

    /** flannel.1 takes a peer's published VtepMAC (a cloned image), before flanneld re-publishes. */
    record CloneVtepMac(String peer) implements Mutation {
        public String slot() {
            return "mac:vtep";
        }

        /** One MAC at a time on flannel.1: a drift would replace the cloned one. */
        @Override
        public boolean conflictsWith(Mutation other) {
            return other.slot().equals(slot()) || other.slot().equals("mac");
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.VTEP_MAC_DRIFT, t.vtep(), Needs.VTEP),
                    new Expected(FaultIds.DUPLICATE_VTEP_MAC, t.vtep(), Needs.VTEP));
        }

        public NodeState apply(NodeState s, Target t) {
            return s.link(t.vtep()).isPresent() ? KernelEdits.setMac(s, t.vtep(), t.peer(peer).vtepMac()) : s;
        }
    }

    // ---- the firewall ---------------------------------------------------------------------------------------------

    /** firewalld 1.3 starts with Debian's default zone (public): its ruleset, as nft -j printed it on a lab node. */
    record FirewalldDefaultZone() implements Mutation {
        public String slot() {
            return "firewall";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.FIREWALL_DROPS_VXLAN, Finding.NODE_WIDE, Needs.NOTHING),
                    new Expected(FaultIds.FIREWALL_DROPS_POD_FORWARDING, Finding.NODE_WIDE, Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            return s.withFirewall(Firewalls.withFlannelMasquerade(Firewalls.FIREWALLD_DEFAULT, t.cluster().plan().podNetwork()));
        }
    }

    /** A container engine's forward policy: {@code table ip filter}, chain FORWARD, policy drop (recorded from nft). */
    record ForwardPolicyDrop() implements Mutation {
        public String slot() {
            return "firewall";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.FIREWALL_DROPS_POD_FORWARDING, Finding.NODE_WIDE, Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            return s.withFirewall(Firewalls.withFlannelMasquerade(Firewalls.FORWARD_POLICY_DROP,
                    t.cluster().plan().podNetwork()));
        }
    }

    /** A hardening script's {@code udp dport PORT drop} on input, for the cluster's VXLAN port (recorded from nft). */
    record VxlanPortDrop() implements Mutation {
        public String slot() {
            return "firewall";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.FIREWALL_DROPS_VXLAN, Finding.NODE_WIDE, Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            return s.withFirewall(Firewalls.withFlannelMasquerade(Firewalls.vxlanPortDrop(t.cluster().plan().flannel()
                    .port()), t.cluster().plan().podNetwork()));
        }
    }

    /** The VXLAN port dropped only for local destinations (a fib lookup): a match the evaluator does not model. */
    record FibVxlanPortDrop() implements Mutation {
        public String slot() {
            return "firewall";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.FIREWALL_UNEVALUATED, Finding.NODE_WIDE, Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            return s.withFirewall(Firewalls.withFlannelMasquerade(Ruleset.parse(Firewalls.read("vxlan-port-drop-fib.json")
                    .replace("\"right\": 8472", "\"right\": " + t.cluster().plan().flannel().port())),
                    t.cluster().plan().podNetwork()));
        }
    }

    /** FLANNEL_IPMASQ=true, but the node's only masquerade is Docker's for its own bridge (recorded from nft). */
    record MasqueradeMissing() implements Mutation {
        public String slot() {
            return "firewall";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.MASQUERADE_MISSING, Finding.NODE_WIDE, Needs.NOTHING));
        }

        public NodeState apply(NodeState s, Target t) {
            return s.withFirewall(Firewalls.DOCKER_MASQUERADE_ONLY);
        }
    }

    // ---- causes nobody listed ---------------------------------------------------------------------------------------

    /**
     * {@code ip rule add to <peer subnet> lookup 100 prio 50} with {@code blackhole <peer subnet> table 100}: every
     * flannel entry is intact, yet pods here never reach the peer. Only the path walk names it.
     */
    record PolicyBlackhole(String peer) implements Mutation {
        public String slot() {
            return "rule:50";
        }

        public List<Expected> expected(Target t) {
            return List.of(new Expected(FaultIds.PATH_BROKEN, t.vtep(), Needs.VTEP_ROUTES));
        }

        public NodeState apply(NodeState s, Target t) {
            dev.vxlab.detectors.addr.Ipv4Prefix subnet = t.peer(peer).podCidr();
            NodeState withRoute = KernelEdits.routes(s, r -> true, List.of(new Route(100, Route.Type.BLACKHOLE, subnet,
                    Optional.empty(), Optional.empty(), 0, Scope.UNIVERSE, Route.Protocol.BOOT, Optional.empty(), 0)));
            List<dev.vxlab.detectors.state.RoutingRule> rules = new ArrayList<>(s.rules());
            rules.add(new dev.vxlab.detectors.state.RoutingRule(50, dev.vxlab.detectors.state.RoutingRule.Action.TO_TABLE,
                    100, Optional.empty(), Optional.of(subnet), false, Optional.empty(), Optional.empty(), 0, 0, 0, -1, 0,
                    false));
            return withRoute.withFirewall(s.firewall()).withRules(rules);
        }
    }
}
