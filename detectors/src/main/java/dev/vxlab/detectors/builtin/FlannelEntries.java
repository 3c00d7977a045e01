package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The per-peer state flannel programs on a node, indexed for one detector call in one pass over the snapshot, so
 * checking every peer is a few array probes each: main-table routes by destination, the VXLAN device's neighbor
 * entries by IP and its FDB entries by MAC. The lookups only a broken peer needs (FDB entries by destination, the set
 * of advertised MACs) are built on first use.
 */
final class FlannelEntries {
    private static final MacAddress FLOOD = new MacAddress(0);

    private final List<Route> routes;
    private final List<Neighbor> neighbors;
    private final List<FdbEntry> fdb;
    private final PositionIndex routeByDst;
    private final PositionIndex neighborByIp;
    private final PositionIndex fdbByMac;
    private final String vtep;
    private final ClusterView view;
    private PositionIndex fdbByDst;
    private Set<MacAddress> advertisedMacs;

    FlannelEntries(NodeState state, String vtep, ClusterView view) {
        this.vtep = vtep;
        this.view = view;
        this.routes = state.routes();
        this.neighbors = state.neighbors();
        this.fdb = state.fdb();
        routeByDst = new PositionIndex(routes.size());
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            if (r.table() == Route.TABLE_MAIN) {
                routeByDst.add(prefixKey(r.dst()), i);
            }
        }
        neighborByIp = new PositionIndex(neighbors.size());
        for (int i = 0; i < neighbors.size(); i++) {
            if (neighbors.get(i).dev().name().equals(vtep)) {
                neighborByIp.add(neighbors.get(i).ip().bits(), i);
            }
        }
        fdbByMac = new PositionIndex(fdb.size());
        for (int i = 0; i < fdb.size(); i++) {
            FdbEntry f = fdb.get(i);
            if (isVtepEntry(f)) {
                fdbByMac.add(f.mac().bits(), i);
            }
        }
    }

    /** The main-table route to the subnet that the kernel uses (the lowest metric), or null. */
    Route route(Ipv4Prefix subnet) {
        Route best = null;
        for (int i = routeByDst.first(prefixKey(subnet)); i >= 0; i = routeByDst.next(i)) {
            Route r = routes.get(i);
            if (best == null || Long.compareUnsigned(r.metric(), best.metric()) < 0) {
                best = r;
            }
        }
        return best;
    }

    /** The VXLAN device's neighbor entry for the IP, or null. */
    Neighbor neighbor(Ipv4 ip) {
        int i = neighborByIp.first(ip.bits());
        return i < 0 ? null : neighbors.get(i);
    }

    /** The VXLAN device's FDB entries for the MAC (usually none or one). */
    List<FdbEntry> fdbFor(MacAddress mac) {
        return collect(fdbByMac, mac.bits());
    }

    /** Whether the VXLAN device has an FDB entry for the MAC toward that underlay address (no list built). */
    boolean hasFdb(MacAddress mac, Ipv4 dst) {
        for (int i = fdbByMac.first(mac.bits()); i >= 0; i = fdbByMac.next(i)) {
            FdbEntry f = fdb.get(i);
            if (f.dst().isPresent() && f.dst().get().equals(dst)) {
                return true;
            }
        }
        return false;
    }

    /** The VXLAN device's FDB entries toward an underlay address (flood entries left out). */
    List<FdbEntry> fdbTo(Ipv4 dst) {
        if (fdbByDst == null) {
            fdbByDst = new PositionIndex(fdb.size());
            for (int i = 0; i < fdb.size(); i++) {
                FdbEntry f = fdb.get(i);
                if (isVtepEntry(f) && f.dst().isPresent()) {
                    fdbByDst.add(f.dst().get().bits(), i);
                }
            }
        }
        return collect(fdbByDst, dst.bits());
    }

    /** Whether some node advertises this MAC. */
    boolean advertised(MacAddress mac) {
        if (advertisedMacs == null) {
            advertisedMacs = new HashSet<>();
            for (AdvertisedNode n : view.nodes()) {
                advertisedMacs.add(n.vtepMac());
            }
        }
        return advertisedMacs.contains(mac);
    }

    private List<FdbEntry> collect(PositionIndex index, long key) {
        int i = index.first(key);
        if (i < 0) {
            return List.of();
        }
        List<FdbEntry> out = new ArrayList<>(1);
        for (; i >= 0; i = index.next(i)) {
            out.add(fdb.get(i));
        }
        return out;
    }

    /** An entry of the VXLAN device toward one VTEP (flood entries, all-zero MAC, are not per peer). */
    private boolean isVtepEntry(FdbEntry f) {
        return f.dev().name().equals(vtep) && !f.mac().equals(FLOOD);
    }

    /** A destination prefix as one number: the network's 32 bits and the length. */
    private static long prefixKey(Ipv4Prefix p) {
        return (Integer.toUnsignedLong(p.network().bits()) << 6) | p.length();
    }
}
