package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.model.KeyIndex;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.Route;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

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
        // Without policy rules in the snapshot, a usable route in another table (policy routing) is given the benefit.
        Lookup lookup = new Lookup(in.current().routes(), t -> t == Route.TABLE_MAIN);
        Lookup others = new Lookup(in.current().routes(), t -> t != Route.TABLE_MAIN && t != Route.TABLE_LOCAL);
        Reasons reasons = new Reasons(in);
        List<String> broken = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (AdvertisedNode peer : in.advertised().nodes()) {
            if (peer.name().equals(in.nodeName())) {
                continue;
            }
            int ip = peer.publicIp().bits();
            Optional<String> why = reasons.why(lookup.match(ip, Route.TABLE_MAIN));
            if (why.isPresent() && others.servedByAnyTable(ip, reasons)) {
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

    /**
     * Why a matched route does not carry packets to the peer, or empty when it does; remembered per route, since
     * most peers share one (the underlay's subnet or the default route).
     */
    private static final class Reasons {
        private static final Object NO_ROUTE = new Object();
        private final DetectionInput in;
        private final Map<Object, Optional<String>> byRoute = new IdentityHashMap<>();

        Reasons(DetectionInput in) {
            this.in = in;
        }

        Optional<String> why(Route route) {
            Object key = route == null ? NO_ROUTE : route;
            Optional<String> known = byRoute.get(key);
            if (known == null) {
                known = compute(route);
                byRoute.put(key, known);
            }
            return known;
        }

        private Optional<String> compute(Route r) {
            if (r == null) {
                return Optional.of("no route");
            }
            return switch (r.type()) {
                case BLACKHOLE, UNREACHABLE, PROHIBIT, THROW -> Optional.of(Text.route(r));
                case UNICAST -> r.dev().flatMap(ref -> in.current().link(ref.index()))
                        .filter(l -> !Underlay.usable(l))
                        .map(l -> Text.route(r) + ", " + l.name() + (l.isUp() ? " has no carrier" : " is down"));
                default -> Optional.empty();
            };
        }
    }

    /**
     * Longest prefix match over the routes of some tables, each table on its own: the routes by prefix
     * ({@link KeyIndex}, a primitive key), so a lookup is a probe per prefix length present and allocates nothing. Of
     * a table's routes of one prefix, the lowest metric counts (the first listed on a tie).
     */
    private static final class Lookup {
        private final KeyIndex<Route> byPrefix;
        private final int[] tables;   // the tables held, in the order first met
        private final int[] lengths;  // the prefix lengths present, longest first

        Lookup(List<Route> routes, IntPredicate tableWanted) {
            int wanted = 0;
            for (Route r : routes) {
                wanted += tableWanted.test(r.table()) ? 1 : 0;
            }
            byPrefix = new KeyIndex<>(wanted);
            boolean[] present = new boolean[33];
            int[] seen = new int[4];
            int tableCount = 0;
            for (Route r : routes) {
                if (!tableWanted.test(r.table())) {
                    continue;
                }
                if (tableCount == 0 || seen[tableCount - 1] != r.table()) {
                    boolean known = false;
                    for (int i = 0; i < tableCount && !known; i++) {
                        known = seen[i] == r.table();
                    }
                    if (!known) {
                        if (tableCount == seen.length) {
                            seen = java.util.Arrays.copyOf(seen, tableCount * 2);
                        }
                        seen[tableCount++] = r.table();
                    }
                }
                int len = r.dst().length();
                present[len] = true;
                byPrefix.add(KeyIndex.prefixKey(r.dst().address().bits() & r.dst().mask(), len), r);
            }
            tables = java.util.Arrays.copyOf(seen, tableCount);
            lengths = java.util.stream.IntStream.iterate(32, l -> l >= 0, l -> l - 1).filter(l -> present[l]).toArray();
        }

        /** The table's route the kernel takes for the address, or null. */
        Route match(int ip, int table) {
            for (int len : lengths) {
                int mask = len == 0 ? 0 : -1 << (32 - len);
                Route best = null;
                for (int e = byPrefix.find(KeyIndex.prefixKey(ip & mask, len)); e >= 0; e = byPrefix.next(e)) {
                    Route r = byPrefix.value(e);
                    if (r.table() == table && (best == null || r.metric() < best.metric())) {
                        best = r;
                    }
                }
                if (best != null) {
                    return best;
                }
            }
            return null;
        }

        /** Whether some table held here has a route for the address that carries packets. */
        boolean servedByAnyTable(int ip, Reasons reasons) {
            for (int table : tables) {
                Route r = match(ip, table);
                if (r != null && reasons.why(r).isEmpty()) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.ADDRESSES, StatePart.ROUTES); }
}
