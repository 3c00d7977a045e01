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
import java.util.function.Predicate;

/** One network namespace's snapshot (a node's host namespace or a pod's), indexed once for a trace's lookups. */
final class Namespace {
    private final String key;
    private final NodeState state;
    private final KeyIndex<Link> linksByIndex;
    private final Map<String, Link> linksByName = new HashMap<>();
    private final Map<Integer, List<Address>> addressesByLink = new HashMap<>();
    private final Set<Ipv4> addresses = new HashSet<>();
    private final KeyIndex<Neighbor> neighbors;  // by device and IP
    private final KeyIndex<FdbEntry> fdb;        // by MAC (the device checked on lookup), entries with a remote only
    private final Map<Integer, List<Link>> portsByMaster = new HashMap<>();
    private final List<Link> vxlans = new ArrayList<>();
    private final Map<Integer, RouteTable> tables = new HashMap<>();
    private final RouteTable localTable;
    private final RouteTable mainTable;
    private final RouteTable defaultTable;
    private final Predicate<Route> usable = this::usable;

    Namespace(String key, NodeState state) {
        this.key = key;
        this.state = state;
        linksByIndex = new KeyIndex<>(state.links().size());
        for (Link link : state.links().reversed()) {
            if (linksByIndex.find(link.index()) < 0) { // two links of one index: the last listed, as a map's put
                linksByIndex.add(link.index(), link);
            }
        }
        for (Link link : state.links()) {
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
        neighbors = new KeyIndex<>(state.neighbors().size());
        for (Neighbor neighbor : state.neighbors()) {
            neighbors.add(KeyIndex.deviceKey(neighbor.dev().index(), neighbor.ip().bits()), neighbor);
        }
        fdb = new KeyIndex<>(state.fdb().size());
        for (FdbEntry entry : state.fdb()) {
            if (entry.dst().isPresent()) {
                // With several remotes for one MAC the kernel sends a copy to each; the model follows the first.
                fdb.add(entry.mac().bits(), entry);
            }
        }
        indexTables(state.routes());
        localTable = table(Route.TABLE_LOCAL);
        mainTable = table(Route.TABLE_MAIN);
        defaultTable = table(Route.TABLE_DEFAULT);
    }

    /**
     * Every table's routes in one pass. The snapshot sorts routes by table, so each table is one run of the list,
     * taken as a view; a table met again later (a list not in that order) is joined into a copy.
     */
    private void indexTables(List<Route> routes) {
        Map<Integer, List<Route>> byTable = new HashMap<>();
        int start = 0;
        for (int i = 1; i <= routes.size(); i++) {
            if (i == routes.size() || routes.get(i).table() != routes.get(start).table()) {
                List<Route> run = routes.subList(start, i);
                byTable.merge(routes.get(start).table(), run, (a, b) -> {
                    List<Route> joined = new ArrayList<>(a);
                    joined.addAll(b);
                    return joined;
                });
                start = i;
            }
        }
        byTable.forEach((id, inTable) -> tables.put(id, new RouteTable(inTable)));
    }

    /** How many routes the snapshot holds, in every table. */
    int routeCount() {
        return state.routes().size();
    }

    /** A routing table by id (an empty one when the snapshot has no route in it). */
    RouteTable table(int id) {
        return tables.getOrDefault(id, RouteTable.EMPTY);
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
        return Optional.ofNullable(linksByIndex.first(ref.index()));
    }

    /** The link of that name, or null (for loops that should not allocate). */
    Link linkNamed(String name) {
        return linksByName.get(name);
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
        return Optional.ofNullable(neighbors.first(KeyIndex.deviceKey(dev.index(), ip.bits())));
    }

    Optional<FdbEntry> fdb(Link dev, MacAddress mac) {
        for (int e = fdb.find(mac.bits()); e >= 0; e = fdb.next(e)) {
            if (fdb.value(e).dev().index() == dev.index()) {
                return Optional.of(fdb.value(e));
            }
        }
        return Optional.empty();
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
        Route found = localTable.longestMatch(dst.bits(), usable);
        if (found == null) {
            found = mainTable.longestMatch(dst.bits(), usable);
        }
        if (found == null) {
            found = defaultTable.longestMatch(dst.bits(), usable);
        }
        return Optional.ofNullable(found);
    }

    /** Whether the address is local here (a local-table route of type local), as ARP and input routing decide. */
    boolean isLocal(Ipv4 ip) {
        Route found = localTable.longestMatch(ip.bits(), usable);
        return found != null && found.type() == Route.Type.LOCAL;
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
