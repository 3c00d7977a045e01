package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.state.Route;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One routing table indexed by prefix length, so a longest-prefix match costs at most 33 hash probes whatever the
 * table's size (a 1000-node cluster gives every node 1000 flannel routes).
 */
final class RouteTable {
    @SuppressWarnings("unchecked")
    private final Map<Integer, List<Route>>[] byLength = new Map[33];
    private final int[] lengths;

    /** @param routes the table's routes in the snapshot's order (same prefix: lowest metric first) */
    RouteTable(List<Route> routes) {
        for (Route route : routes) {
            int length = route.dst().length();
            if (byLength[length] == null) {
                byLength[length] = new HashMap<>();
            }
            byLength[length].computeIfAbsent(route.dst().network().bits(), k -> new ArrayList<>(1)).add(route);
        }
        lengths = java.util.stream.IntStream.iterate(32, l -> l >= 0, l -> l - 1)
                .filter(l -> byLength[l] != null).toArray();
    }

    /**
     * The first usable route of the longest prefix that contains the address. As in the kernel's FIB, a prefix whose
     * routes are all unusable (their device is down) falls through to shorter prefixes.
     */
    Optional<Route> longestMatch(Ipv4 address, Predicate<Route> usable) {
        for (int length : lengths) {
            int mask = length == 0 ? 0 : -1 << (32 - length);
            List<Route> candidates = byLength[length].get(address.bits() & mask);
            if (candidates != null) {
                for (Route route : candidates) {
                    if (usable.test(route)) {
                        return Optional.of(route);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
