package dev.vxlab.detectors.model;

import dev.vxlab.detectors.state.Route;
import java.util.List;
import java.util.function.Predicate;

/**
 * One routing table indexed by prefix ({@link KeyIndex}: network and length as one primitive key), so a longest-prefix
 * match costs one probe per prefix length present in the table and allocates nothing, whatever the table's size (a
 * 1000-node cluster gives every node 1000 flannel routes).
 */
final class RouteTable {
    static final RouteTable EMPTY = new RouteTable(List.of());

    private final KeyIndex<Route> byPrefix;
    private final int[] lengths; // the prefix lengths present, longest first

    /** @param routes the table's routes in the snapshot's order (same prefix: lowest metric first) */
    RouteTable(List<Route> routes) {
        byPrefix = new KeyIndex<>(routes.size());
        boolean[] present = new boolean[33];
        for (Route route : routes) {
            int length = route.dst().length();
            present[length] = true;
            byPrefix.add(KeyIndex.prefixKey(route.dst().address().bits() & mask(length), length), route);
        }
        int count = 0;
        for (boolean p : present) {
            count += p ? 1 : 0;
        }
        lengths = new int[count];
        for (int length = 32, i = 0; length >= 0; length--) {
            if (present[length]) {
                lengths[i++] = length;
            }
        }
    }

    /**
     * The first usable route of the longest prefix that contains the address, or null. As in the kernel's FIB, a
     * prefix whose routes are all unusable (their device is down) falls through to shorter prefixes.
     */
    Route longestMatch(int address, Predicate<Route> usable) {
        for (int length : lengths) {
            for (int e = byPrefix.find(KeyIndex.prefixKey(address & mask(length), length)); e >= 0;
                    e = byPrefix.next(e)) {
                Route route = byPrefix.value(e);
                if (usable.test(route)) {
                    return route;
                }
            }
        }
        return null;
    }

    private static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }
}
