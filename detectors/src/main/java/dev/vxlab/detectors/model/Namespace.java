package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.LinkRef;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.Sysctls;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** One network namespace's snapshot (a node's host namespace or a pod's), indexed once for a trace's lookups. */
final class Namespace {
    private record NeighborKey(int link, Ipv4 ip) {}

    private record FdbKey(int link, MacAddress mac) {}

    private final String key;
    private final NodeState state;
    private final Map<Integer, Link> linksByIndex = new HashMap<>();
    private final Map<String, Link> linksByName = new HashMap<>();
    private final Map<Integer, List<Address>> addressesByLink = new HashMap<>();
    private final Set<Ipv4> addresses = new HashSet<>();
    private final Map<NeighborKey, Neighbor> neighbors = new HashMap<>();
    private final Map<FdbKey, FdbEntry> fdb = new HashMap<>();
    private final Map<Integer, List<Link>> portsByMaster = new HashMap<>();
    private final List<Link> vxlans = new ArrayList<>();
    private final RouteTable localTable;
    private final RouteTable mainTable;
    private final RouteTable defaultTable;

    Namespace(String key, NodeState state) {
        this.key = key;
        this.state = state;
        for (Link link : state.links()) {
            linksByIndex.put(link.index(), link);
            linksByName.put(link.name(), link);
            link.master().ifPresent(m -> portsByMaster.computeIfAbsent(m.index(), k -> new ArrayList<>()).add(link));
            if (link.vxlan().isPresent()) {
                vxlans.add(link);
            }
        }
        for (Address address : state.addresses()) {
            addressesByLink.computeIfAbsent(address.link().index(), k -> new ArrayList<>()).add(address);
            addresses.add(address.prefix().address());
        }
        for (Neighbor neighbor : state.neighbors()) {
            neighbors.putIfAbsent(new NeighborKey(neighbor.dev().index(), neighbor.ip()), neighbor);
        }
        for (FdbEntry entry : state.fdb()) {
            if (entry.dst().isPresent()) {
                // With several remotes for one MAC the kernel sends a copy to each; the model follows the first.
                fdb.putIfAbsent(new FdbKey(entry.dev().index(), entry.mac()), entry);
            }
        }
        localTable = new RouteTable(state.routesIn(Route.TABLE_LOCAL));
        mainTable = new RouteTable(state.routesIn(Route.TABLE_MAIN));
        defaultTable = new RouteTable(state.routesIn(Route.TABLE_DEFAULT));
    }

    String key() {
        return key;
    }

    dev.vxlab.detectors.firewall.Ruleset firewall() {
        return state.firewall();
    }

    Sysctls sysctls() {
        return state.sysctls();
    }

    Optional<Link> link(String name) {
        return Optional.ofNullable(linksByName.get(name));
    }

    Optional<Link> link(LinkRef ref) {
        return Optional.ofNullable(linksByIndex.get(ref.index()));
    }

    List<Link> links() {
        return state.links();
    }

    List<Address> addressesOf(Link link) {
        return addressesByLink.getOrDefault(link.index(), List.of());
    }

    /** Whether the address is assigned to any device here: the kernel's test for a martian source. */
    boolean ownsAddress(Ipv4 ip) {
        return addresses.contains(ip);
    }

    Optional<Neighbor> neighbor(Link dev, Ipv4 ip) {
        return Optional.ofNullable(neighbors.get(new NeighborKey(dev.index(), ip)));
    }

    Optional<FdbEntry> fdb(Link dev, MacAddress mac) {
        return Optional.ofNullable(fdb.get(new FdbKey(dev.index(), mac)));
    }

    List<Link> portsOf(Link bridge) {
        return portsByMaster.getOrDefault(bridge.index(), List.of());
    }

    List<Link> vxlans() {
        return vxlans;
    }

    /**
     * The kernel's lookup with the default policy rules: the local table, then main, then default; the first table
     * with a match decides. A unicast route whose device is down is skipped (the kernel marks its next hop dead).
     */
    Optional<Route> route(Ipv4 dst) {
        Optional<Route> found = localTable.longestMatch(dst, this::usable);
        if (found.isEmpty()) {
            found = mainTable.longestMatch(dst, this::usable);
        }
        if (found.isEmpty()) {
            found = defaultTable.longestMatch(dst, this::usable);
        }
        return found;
    }

    /** Whether the address is local here (a local-table route of type local), as ARP and input routing decide. */
    boolean isLocal(Ipv4 ip) {
        return localTable.longestMatch(ip, this::usable).filter(r -> r.type() == Route.Type.LOCAL).isPresent();
    }

    private boolean usable(Route route) {
        if (route.has(Route.Flag.DEAD) || route.type() == Route.Type.THROW) {
            return false; // THROW: the model has only the default rules, so it means "try the next table"
        }
        if (route.type() != Route.Type.UNICAST) {
            return true; // local/broadcast routes of a down device still accept packets
        }
        // Multipath routes carry no single device: not modelled, so not usable.
        return route.dev().flatMap(this::link).filter(Link::isUp).isPresent();
    }

    @Override
    public String toString() {
        return key;
    }
}
