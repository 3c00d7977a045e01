package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.state.LinkRef;
import java.util.Arrays;

/**
 * The links of one snapshot by interface index, so the other dumps can name the devices they point at. Sorted
 * arrays and a binary search: no boxing, no map entries. A snapshot whose links kept their indexes and names keeps
 * the last snapshot's table, and a new table keeps the {@link LinkRef}s that did not change, so parsers can tell
 * that a record of the last snapshot still names the right devices by comparing references.
 */
final class LinkTable {
    private final int[] indexes;
    private final LinkRef[] refs;
    private final boolean[] vxlan;
    private final int[] vxlanIndexes;

    /** The parallel arrays must be sorted by index. */
    LinkTable(int[] indexes, LinkRef[] refs, boolean[] vxlan) {
        this.indexes = indexes;
        this.refs = refs;
        this.vxlan = vxlan;
        int n = 0;
        for (boolean v : vxlan) {
            n += v ? 1 : 0;
        }
        vxlanIndexes = new int[n];
        for (int i = 0, j = 0; i < indexes.length; i++) {
            if (vxlan[i]) {
                vxlanIndexes[j++] = indexes[i];
            }
        }
    }

    int size() {
        return indexes.length;
    }

    /** The i-th link by index order. */
    LinkRef refAt(int i) {
        return refs[i];
    }

    boolean isVxlanAt(int i) {
        return vxlan[i];
    }

    /** The link with this index, or null when the link dump did not list it. */
    LinkRef ref(int index) {
        int at = Arrays.binarySearch(indexes, index);
        return at >= 0 ? refs[at] : null;
    }

    /**
     * A device the link dump must have listed.
     *
     * @throws TornDumpException when it did not: the device appeared after the link dump
     */
    LinkRef require(int index, String what) throws TornDumpException {
        LinkRef ref = ref(index);
        if (ref == null) {
            throw new TornDumpException(what + " names device index " + index + ", which the link dump did not list");
        }
        return ref;
    }

    boolean isVxlan(int index) {
        int at = Arrays.binarySearch(indexes, index);
        return at >= 0 && vxlan[at];
    }

    /** The indexes of the devices of kind vxlan (the caller must not change the array). */
    int[] vxlanIndexes() {
        return vxlanIndexes;
    }
}
