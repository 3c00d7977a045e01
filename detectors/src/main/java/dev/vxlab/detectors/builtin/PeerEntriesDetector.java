package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.Route;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the three entries flannel programs on this node for every peer against what that peer advertised: the
 * route {@code <subnet> via <peer>.0 dev flannel.1 onlink}, the permanent neighbor {@code <peer>.0 -> VtepMAC}, and the
 * FDB entry {@code VtepMAC dst <public IP>}. Emits {@code missing-peer-route}, {@code wrong-peer-route},
 * {@code missing-peer-neighbor}, {@code stale-peer-vtep-mac}, {@code missing-peer-fdb} and {@code wrong-peer-fdb-dst},
 * one finding per fault naming every affected peer.
 *
 * <p>Root cause first: nothing when the VXLAN device does not exist; no route or neighbor checks when it is down or
 * has no address (the kernel dropped those entries; the device's own finding says so). FDB entries survive both, so
 * they are still checked.
 */
public final class PeerEntriesDetector implements Detector {

    @Override
    public String name() {
        return "peer-entries";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        Vtep vtep = Vtep.of(in);
        if (!vtep.exists()) {
            return List.of();
        }
        String dev = vtep.name();
        AdvertisedNode self = in.self();
        FlannelEntries entries = new FlannelEntries(in.current(), dev, in.advertised());
        boolean checkRoutesAndNeighbors = vtep.keepsRoutesAndNeighbors();

        PeerProblems missingRoute = new PeerProblems(Catalog.MISSING_PEER_ROUTE);
        PeerProblems wrongRoute = new PeerProblems(Catalog.WRONG_PEER_ROUTE);
        PeerProblems missingNeighbor = new PeerProblems(Catalog.MISSING_PEER_NEIGHBOR);
        PeerProblems stale = new PeerProblems(Catalog.STALE_PEER_VTEP_MAC);
        PeerProblems missingFdb = new PeerProblems(Catalog.MISSING_PEER_FDB);
        PeerProblems wrongDst = new PeerProblems(Catalog.WRONG_PEER_FDB_DST);

        int peers = 0;
        for (AdvertisedNode peer : in.advertised().nodes()) {
            if (peer.name().equals(self.name()) || !peer.backendType().equalsIgnoreCase("vxlan")) {
                continue;
            }
            peers++;
            Ipv4Prefix subnet = peer.podCidr().canonical();
            Ipv4 peerVtep = subnet.network();
            // Evidence text is built only for a peer that has a problem: a healthy peer costs a few index probes.
            if (checkRoutesAndNeighbors) {
                Route route = entries.route(subnet);
                if (route == null) {
                    missingRoute.add(peer, wantedRoute(subnet, peerVtep, dev), "no route to " + subnet);
                } else if (!isFlannelRoute(route, peerVtep, dev)) {
                    wrongRoute.add(peer, wantedRoute(subnet, peerVtep, dev), Text.route(route));
                }
                Neighbor neighbor = entries.neighbor(peerVtep);
                if (neighbor == null) {
                    missingNeighbor.add(peer, wantedNeighbor(peer), "no neighbor entry for " + peerVtep);
                } else if (neighbor.mac().isEmpty()) {
                    missingNeighbor.add(peer, wantedNeighbor(peer), neighborLine(neighbor));
                } else if (!neighbor.mac().get().equals(peer.vtepMac())) {
                    stale.add(peer, "neighbor " + wantedNeighbor(peer), "neighbor " + neighborLine(neighbor));
                }
            }
            checkFdb(peer, entries, stale, missingFdb, wrongDst);
        }

        String ip = self.publicIp().toString();
        List<Finding> out = new ArrayList<>();
        missingRoute.finding(in, dev, in.nodeName() + " (" + ip + ") has no route to "
                + missingRoute.size() + " of " + Text.count(peers, "peer subnet") + " ("
                + missingRoute.peerList() + "): pods here cannot reach pods there").ifPresent(out::add);
        wrongRoute.finding(in, dev, in.nodeName() + " (" + ip + ") routes " + Text.count(wrongRoute.size(),
                "peer subnet") + " (" + wrongRoute.peerList() + ") elsewhere than via the peer's VTEP on " + dev
                + " onlink: pod traffic to them goes astray").ifPresent(out::add);
        missingNeighbor.finding(in, dev, dev + " on " + ip + " has no neighbor entry for "
                + Text.count(missingNeighbor.size(), "peer VTEP") + " (" + missingNeighbor.peerList()
                + "): the kernel cannot address the inner frames, so pod traffic to them is dropped").ifPresent(out::add);
        stale.finding(in, dev, dev + " on " + ip + " still uses an old VTEP MAC for "
                + Text.count(stale.size(), "peer") + " (" + stale.peerList() + "), not the one advertised: "
                + "frames for it go to a MAC the peer no longer has and are dropped").ifPresent(out::add);
        missingFdb.finding(in, dev, dev + " on " + ip + " has no FDB entry for "
                + Text.count(missingFdb.size(), "peer VTEP MAC") + " (" + missingFdb.peerList()
                + "): the kernel does not know where to send their frames and drops them").ifPresent(out::add);
        wrongDst.finding(in, dev, dev + " on " + ip + " sends the frames for "
                + Text.count(wrongDst.size(), "peer") + " (" + wrongDst.peerList()
                + ") to the wrong underlay address: they never reach the peer").ifPresent(out::add);
        return out;
    }

    private static boolean isFlannelRoute(Route r, Ipv4 peerVtep, String dev) {
        return r.type() == Route.Type.UNICAST && r.onlink() && r.gateway().isPresent()
                && r.gateway().get().equals(peerVtep) && r.dev().isPresent() && r.dev().get().name().equals(dev);
    }

    /**
     * The peer's VtepMAC should have an entry to its public IP. An entry for the MAC elsewhere is a wrong dst; without
     * one, an entry to the peer's IP under a MAC nobody advertises is a stale MAC (the peer re-published); otherwise it
     * is missing. (An entry under another node's MAC is that node's problem, not a stale one for this peer.)
     */
    private static void checkFdb(AdvertisedNode peer, FlannelEntries entries, PeerProblems stale,
            PeerProblems missing, PeerProblems wrongDst) {
        if (entries.hasFdb(peer.vtepMac(), peer.publicIp())) {
            return; // the healthy case, without a list
        }
        List<FdbEntry> forMac = entries.fdbFor(peer.vtepMac());
        if (!forMac.isEmpty()) {
            for (FdbEntry f : forMac) {
                if (f.dst().isPresent() && f.dst().get().equals(peer.publicIp())) {
                    return;
                }
            }
            wrongDst.add(peer, wantedFdb(peer), Text.inline(forMac.stream().map(PeerEntriesDetector::fdbLine).toList()));
            return;
        }
        List<FdbEntry> staleEntries = entries.fdbTo(peer.publicIp()).stream()
                .filter(f -> !entries.advertised(f.mac())).toList();
        if (!staleEntries.isEmpty()) {
            stale.add(peer, "fdb " + wantedFdb(peer), "fdb " + Text.inline(staleEntries.stream()
                    .map(PeerEntriesDetector::fdbLine).toList()));
        } else {
            missing.add(peer, wantedFdb(peer), "no FDB entry for " + peer.vtepMac());
        }
    }

    private static String wantedRoute(Ipv4Prefix subnet, Ipv4 peerVtep, String dev) {
        return subnet + " via " + peerVtep + " dev " + dev + " onlink";
    }

    private static String wantedNeighbor(AdvertisedNode peer) {
        return peer.podCidr().network() + " lladdr " + peer.vtepMac() + " PERMANENT";
    }

    private static String wantedFdb(AdvertisedNode peer) {
        return peer.vtepMac() + " dst " + peer.publicIp();
    }

    private static String neighborLine(Neighbor n) {
        String s = n.toString();
        String prefix = n.ip() + " dev " + n.dev().name();
        return s.startsWith(prefix) ? n.ip() + s.substring(prefix.length()) : s;
    }

    private static String fdbLine(FdbEntry f) {
        return f.mac() + f.dst().map(d -> " dst " + d).orElse(" (no dst)");
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.ADDRESSES, StatePart.ROUTES, StatePart.NEIGHBORS, StatePart.FDB); }
}
