package dev.vxlab.detectors.builtin;

/**
 * Positions in a list by a primitive key (an IPv4 address's bits, a MAC's bits): open addressing over arrays, built in
 * one pass, no boxing, so indexing a snapshot with thousands of peers costs a few microseconds. Several positions may
 * share a key; {@link #next} walks them.
 */
final class PositionIndex {
    private static final int NONE = -1;

    private final long[] keys;
    private final int[] heads;   // slot -> 1 + the first position with that key, 0 when the slot is empty (no fill)
    private final int[] chain;   // position -> next position with the same key
    private final int mask;

    /** An index for positions 0..size-1. */
    PositionIndex(int size) {
        int capacity = Integer.highestOneBit(Math.max(2, size) * 2 - 1) << 1; // a power of two, at least 2 * size
        keys = new long[capacity];
        heads = new int[capacity];
        chain = new int[Math.max(1, size)];
        mask = capacity - 1;
    }

    void add(long key, int position) {
        int slot = slot(key);
        while (heads[slot] != 0 && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        chain[position] = heads[slot] - 1;
        heads[slot] = position + 1;
    }

    /** A position holding the key, or -1. */
    int first(long key) {
        int slot = slot(key);
        while (heads[slot] != 0) {
            if (keys[slot] == key) {
                return heads[slot] - 1;
            }
            slot = (slot + 1) & mask;
        }
        return NONE;
    }

    /** Another position holding the same key as this one, or -1. */
    int next(int position) {
        return chain[position];
    }

    private int slot(long key) {
        long h = key * 0x9E37_79B9_7F4A_7C15L; // Fibonacci hashing spreads sequential addresses
        return (int) (h >>> 40) & mask;
    }
}
