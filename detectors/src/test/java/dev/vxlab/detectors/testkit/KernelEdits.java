package dev.vxlab.detectors.testkit;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.LinkCounters;
import dev.vxlab.detectors.state.LinkRef;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NmFacts;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.Sysctls;
import dev.vxlab.detectors.state.VxlanInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Edits of a {@link NodeState} as the kernel would show them after a command: setting a device down or taking its
 * last address also drops the routes and neighbor entries through it (the FDB stays); deleting a device drops
 * everything that refers to it. Tests mutate healthy snapshots with these, so a mutated snapshot is one a real
 * kernel could produce.
 */
public final class KernelEdits {
    private KernelEdits() {}

    public static NodeState mapLink(NodeState s, String name, UnaryOperator<Link> change) {
        return new NodeState(s.links().stream().map(l -> l.name().equals(name) ? change.apply(l) : l).toList(),
                s.addresses(), s.routes(), s.neighbors(), s.fdb(), s.sysctls(), s.networkManager(), s.firewall(), s.rules(), s.udev());
    }

    public static NodeState routes(NodeState s, Predicate<Route> keep, List<Route> add) {
        List<Route> routes = new ArrayList<>(s.routes().stream().filter(keep).toList());
        routes.addAll(add);
        return new NodeState(s.links(), s.addresses(), routes, s.neighbors(), s.fdb(), s.sysctls(), s.networkManager(), s.firewall(), s.rules(), s.udev());
    }

    public static NodeState neighbors(NodeState s, Predicate<Neighbor> keep, List<Neighbor> add) {
        List<Neighbor> neighbors = new ArrayList<>(s.neighbors().stream().filter(keep).toList());
        neighbors.addAll(add);
        return new NodeState(s.links(), s.addresses(), s.routes(), neighbors, s.fdb(), s.sysctls(), s.networkManager(), s.firewall(), s.rules(), s.udev());
    }

    public static NodeState fdb(NodeState s, Predicate<FdbEntry> keep, List<FdbEntry> add) {
        List<FdbEntry> fdb = new ArrayList<>(s.fdb().stream().filter(keep).toList());
        fdb.addAll(add);
        return new NodeState(s.links(), s.addresses(), s.routes(), s.neighbors(), fdb, s.sysctls(), s.networkManager(), s.firewall(), s.rules(), s.udev());
    }

    public static NodeState sysctls(NodeState s, Sysctls sysctls) {
        return new NodeState(s.links(), s.addresses(), s.routes(), s.neighbors(), s.fdb(), sysctls, s.networkManager(), s.firewall(), s.rules(), s.udev());
    }

    public static NodeState networkManager(NodeState s, NmFacts nm) {
        return new NodeState(s.links(), s.addresses(), s.routes(), s.neighbors(), s.fdb(), s.sysctls(), nm, s.firewall(), s.rules(), s.udev());
    }

    /** {@code ip link set DEV down}: the flags drop, and with them every route (any table) and neighbor through it. */
    public static NodeState setDown(NodeState s, String dev) {
        NodeState down = mapLink(s, dev, l -> link(l, l.mac(), l.mtu(),
                l.flags() & ~Link.Flag.mask(Link.Flag.UP, Link.Flag.RUNNING, Link.Flag.LOWER_UP),
                Link.OperState.DOWN, l.master(), l.vxlan(), l.counters()));
        return flushRoutesAndNeighbors(down, dev);
    }

    /**
     * {@code ip addr del PREFIX dev DEV}: the address's local and broadcast routes and its connected route go; with
     * the device's last address, every route and neighbor entry through it goes too (the field's step 7).
     */
    public static NodeState removeAddress(NodeState s, String dev, Ipv4Prefix prefix) {
        List<Address> addresses = s.addresses().stream()
                .filter(a -> !(a.link().name().equals(dev) && a.prefix().equals(prefix))).toList();
        NodeState out = new NodeState(s.links(), addresses, s.routes().stream()
                .filter(r -> !(on(r, dev) && isRouteOfAddress(r, prefix))).toList(),
                s.neighbors(), s.fdb(), s.sysctls(), s.networkManager(), s.firewall(), s.rules(), s.udev());
        if (addresses.stream().noneMatch(a -> a.link().name().equals(dev))) {
            out = flushRoutesAndNeighbors(out, dev);
        }
        return out;
    }

    /** {@code ip link del DEV}: the device and everything that refers to it. */
    public static NodeState deleteLink(NodeState s, String dev) {
        Map<String, Integer> rp = new HashMap<>(s.sysctls().rpFilter());
        rp.remove(dev);
        List<Link> links = s.links().stream().filter(l -> !l.name().equals(dev))
                .map(l -> l.master().filter(m -> m.name().equals(dev)).isPresent()
                        ? link(l, l.mac(), l.mtu(), l.flags(), l.operState(), Optional.empty(), l.vxlan(), l.counters())
                        : l)
                .toList();
        return new NodeState(links,
                s.addresses().stream().filter(a -> !a.link().name().equals(dev)).toList(),
                s.routes().stream().filter(r -> !on(r, dev)).toList(),
                s.neighbors().stream().filter(n -> !n.dev().name().equals(dev)).toList(),
                s.fdb().stream().filter(f -> !f.dev().name().equals(dev)).toList(),
                new Sysctls(s.sysctls().ipForward(), s.sysctls().rpFilterAll(), s.sysctls().rpFilterDefault(), rp),
                s.networkManager(), s.firewall(), s.rules(), s.udev());
    }

    public static NodeState flushRoutesAndNeighbors(NodeState s, String dev) {
        return new NodeState(s.links(), s.addresses(), s.routes().stream().filter(r -> !on(r, dev)).toList(),
                s.neighbors().stream().filter(n -> !n.dev().name().equals(dev)).toList(), s.fdb(), s.sysctls(),
                s.networkManager(), s.firewall(), s.rules(), s.udev());
    }

    public static NodeState setMtu(NodeState s, String dev, int mtu) {
        return mapLink(s, dev, l -> link(l, l.mac(), mtu, l.flags(), l.operState(), l.master(), l.vxlan(), l.counters()));
    }

    public static NodeState setMac(NodeState s, String dev, MacAddress mac) {
        return mapLink(s, dev, l -> link(l, Optional.of(mac), l.mtu(), l.flags(), l.operState(), l.master(), l.vxlan(),
                l.counters()));
    }

    /** {@code ip link set DEV nomaster}. */
    public static NodeState noMaster(NodeState s, String dev) {
        return mapLink(s, dev, l -> link(l, l.mac(), l.mtu(), l.flags(), l.operState(), Optional.empty(), l.vxlan(),
                l.counters()));
    }

    public static NodeState setVxlan(NodeState s, String dev, UnaryOperator<VxlanInfo> change) {
        return mapLink(s, dev, l -> link(l, l.mac(), l.mtu(), l.flags(), l.operState(), l.master(),
                l.vxlan().map(change), l.counters()));
    }

    /** The device's rx_otherhost_dropped counter rises by {@code by} (it must be counted). */
    public static NodeState addOtherhostDrops(NodeState s, String dev, long by) {
        return mapLink(s, dev, l -> {
            LinkCounters c = l.counters().orElseThrow();
            LinkCounters more = new LinkCounters(c.rxPackets() + by, c.rxBytes() + by * 90, c.rxErrors(), c.rxDropped(),
                    c.txPackets(), c.txBytes(), c.txErrors(), c.txDropped(),
                    OptionalLong.of(c.rxOtherhostDropped().orElseThrow() + by));
            return link(l, l.mac(), l.mtu(), l.flags(), l.operState(), l.master(), l.vxlan(), Optional.of(more));
        });
    }

    private static Link link(Link l, Optional<MacAddress> mac, int mtu, int flags, Link.OperState oper,
            Optional<LinkRef> master, Optional<VxlanInfo> vxlan, Optional<LinkCounters> counters) {
        return new Link(l.index(), l.name(), l.kind(), mac, mtu, flags, oper, master, vxlan, counters);
    }

    private static boolean on(Route r, String dev) {
        return r.dev().filter(d -> d.name().equals(dev)).isPresent();
    }

    /** The routes the kernel made for an address: local/broadcast in the local table, the connected prefix in main. */
    private static boolean isRouteOfAddress(Route r, Ipv4Prefix prefix) {
        if (r.table() == Route.TABLE_LOCAL) {
            return r.prefsrc().equals(Optional.of(prefix.address()));
        }
        return r.table() == Route.TABLE_MAIN && r.protocol().equals(Route.Protocol.KERNEL)
                && r.dst().equals(prefix.canonical());
    }
}
