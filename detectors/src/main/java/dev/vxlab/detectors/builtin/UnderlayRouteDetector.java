package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.Route;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Emits {@code underlay-route-missing}, one finding naming the peers: a peer's published public-ip has no route in the
 * main table (longest prefix match; blackhole, unreachable, prohibit and throw count as none), or its route leaves
 * through a device that is down or without a carrier. The snapshot holds no policy rules, so the main table is the
 * one judged, as the kernel's default rules do, and a usable route in another table (a host routing by policy) is
 * taken to serve. Silent while the underlay itself is down or without a carrier: the
 * kernel deleted its routes with it, and {@code vtep-link-down} / {@code underlay-no-carrier} name the cause.
 */
public final class UnderlayRouteDetector implements Detector {

    @Override
    public String name() {
        return "underlay-route";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        Optional<Link> underlay = Underlay.of(in);
        if (underlay.isPresent() && !Underlay.usable(underlay.get())) {
            return List.of();
        }
        Lookup lookup = new Lookup(in.current().routesIn(Route.TABLE_MAIN));
        // Without policy rules in the snapshot, a usable route in another table (policy routing) is given the benefit.
        List<Lookup> others = in.current().routes().stream().map(Route::table)
                .filter(t -> t != Route.TABLE_MAIN && t != Route.TABLE_LOCAL).distinct()
                .map(t -> new Lookup(in.current().routesIn(t))).toList();
        List<String> broken = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (AdvertisedNode peer : in.advertised().nodes()) {
            if (peer.name().equals(in.nodeName())) {
                continue;
            }
            Optional<String> why = why(in, lookup.match(peer.publicIp()));
            if (why.isPresent() && others.stream().anyMatch(o -> why(in, o.match(peer.publicIp())).isEmpty()
                    && o.match(peer.publicIp()).isPresent())) {
                continue;
            }
            if (why.isPresent()) {
                broken.add(peer.publicIp() + " (" + peer.name() + "): " + why.get());
                names.add(peer.name());
            }
        }
        if (broken.isEmpty()) {
            return List.of();
        }
        String dev = underlay.map(Link::name).orElse(in.flannel().vtepDevice());
        return List.of(Catalog.UNDERLAY_ROUTE_MISSING.finding(in, dev,
                "a route to every peer's public-ip through an up device",
                Text.list(broken),
                in.nodeName() + " has no usable route to the public-ip of " + Text.count(names.size(), "peer") + " ("
                        + Text.inline(names) + "): VXLAN packets to them are not sent, so no pod here reaches a pod"
                        + " there; add the route the underlay needs (a default route or one to their subnet)"));
    }

    /** Why the matched route does not carry packets to the peer, or empty when it does. */
    private static Optional<String> why(DetectionInput in, Optional<Route> route) {
        if (route.isEmpty()) {
            return Optional.of("no route");
        }
        Route r = route.get();
        return switch (r.type()) {
            case BLACKHOLE, UNREACHABLE, PROHIBIT, THROW -> Optional.of(Text.route(r));
            case UNICAST -> r.dev().flatMap(ref -> in.current().link(ref.index()))
                    .filter(l -> !Underlay.usable(l))
                    .map(l -> Text.route(r) + ", " + l.name() + (l.isUp() ? " has no carrier" : " is down"));
            default -> Optional.empty();
        };
    }

    /** Longest prefix match over one table: a map per prefix length present, so each lookup costs at most 33 probes. */
    private static final class Lookup {
        private final List<Map<Integer, Route>> byLength = new ArrayList<>(33);

        Lookup(List<Route> routes) {
            for (int i = 0; i <= 32; i++) {
                byLength.add(null);
            }
            for (Route r : routes) {
                int len = r.dst().length();
                Map<Integer, Route> map = byLength.get(len);
                if (map == null) {
                    map = new HashMap<>();
                    byLength.set(len, map);
                }
                map.merge(r.dst().canonical().address().bits(), r, (a, b) -> a.metric() <= b.metric() ? a : b);
            }
        }

        Optional<Route> match(Ipv4 ip) {
            for (int len = 32; len >= 0; len--) {
                Map<Integer, Route> map = byLength.get(len);
                if (map != null) {
                    int mask = len == 0 ? 0 : -1 << (32 - len);
                    Route r = map.get(ip.bits() & mask);
                    if (r != null) {
                        return Optional.of(r);
                    }
                }
            }
            return Optional.empty();
        }
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.ADDRESSES, StatePart.ROUTES); }
}
