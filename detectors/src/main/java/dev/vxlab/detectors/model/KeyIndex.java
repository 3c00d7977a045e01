package dev.vxlab.detectors.model;

import java.util.Arrays;

/**
 * Values by a primitive key (an IPv4 address's bits, a prefix as address and length, a MAC's bits): open addressing
 * over arrays, so indexing a snapshot of thousands of entries boxes nothing and a probe allocates nothing. Several
 * values may share a key; {@link #next} walks them in the order they were added. Not thread-safe while being filled;
 * read-only afterwards.
 */
public final class KeyIndex<T> {
    private static final int NONE = -1;

    private long[] keys;      // slot -> key
    private int[] heads;      // slot -> 1 + the first entry with that key, 0 when the slot is empty (no fill needed)
    private int[] chain;      // entry -> next entry with the same key, NONE at the end
    private Object[] values;  // entry -> value
    private int size;
    private int usedSlots;
    private int mask;

    /** An index sized for about {@code expected} values (it grows past that). */
    public KeyIndex(int expected) {
        int capacity = Integer.highestOneBit(Math.max(2, expected) * 2 - 1) << 1; // a power of two, >= 2 * expected
        allocateSlots(capacity);
        chain = new int[Math.max(4, expected)];
        values = new Object[chain.length];
    }

    /** A prefix as one key: the network's 32 bits (host bits cleared by the caller) and the length. */
    public static long prefixKey(int network, int length) {
        return (Integer.toUnsignedLong(network) << 6) | length;
    }

    /** A key for an IPv4 address on one device: the device's index and the address. */
    public static long deviceKey(int linkIndex, int address) {
        return ((long) linkIndex << 32) | Integer.toUnsignedLong(address);
    }

    public void add(long key, T value) {
        if (size == chain.length) {
            chain = Arrays.copyOf(chain, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        int entry = size++;
        values[entry] = value;
        chain[entry] = NONE;
        int slot = probe(key);
        if (heads[slot] == 0) {
            keys[slot] = key;
            heads[slot] = entry + 1;
            if (++usedSlots * 2 > keys.length) {
                rehash(keys.length * 2);
            }
        } else {
            int last = heads[slot] - 1;
            while (chain[last] != NONE) { // values sharing a key are few (a prefix's routes): walk to the end
                last = chain[last];
            }
            chain[last] = entry;
        }
    }

    /** The first value added with the key, or null. */
    public T first(long key) {
        int entry = find(key);
        return entry == NONE ? null : value(entry);
    }

    /** The first entry with the key (for {@link #value} and {@link #next}), or -1. */
    public int find(long key) {
        return heads[probe(key)] - 1;
    }

    /** The next entry with the same key as this one, or -1. */
    public int next(int entry) {
        return chain[entry];
    }

    @SuppressWarnings("unchecked")
    public T value(int entry) {
        return (T) values[entry];
    }

    /** How many values were added. */
    public int size() {
        return size;
    }

    /** The slot holding the key, or the empty slot where it would go. */
    private int probe(long key) {
        int slot = hash(key);
        while (heads[slot] != 0 && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private int hash(long key) {
        long h = key * 0x9E37_79B9_7F4A_7C15L; // Fibonacci hashing spreads sequential addresses and prefixes
        return (int) (h >>> 32) & mask;
    }

    private void allocateSlots(int capacity) {
        keys = new long[capacity];
        heads = new int[capacity];
        mask = capacity - 1;
    }

    private void rehash(int capacity) {
        long[] oldKeys = keys;
        int[] oldHeads = heads;
        allocateSlots(capacity);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldHeads[i] != 0) {
                int slot = probe(oldKeys[i]);
                keys[slot] = oldKeys[i];
                heads[slot] = oldHeads[i];
            }
        }
    }
}
