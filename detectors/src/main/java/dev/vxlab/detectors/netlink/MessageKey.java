package dev.vxlab.detectors.netlink;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The bytes one record is built from, packed into longs: a message's fixed header and the attributes its parser
 * reads, never the ones that change by themselves (NDA_CACHEINFO's ages, IFLA_STATS, a bridge's timers). Equal keys
 * (against the same device names) build equal records. Reused for every message, so building a key allocates nothing.
 */
final class MessageKey {
    private long[] longs = new long[32];
    private int length;

    MessageKey clear() {
        length = 0;
        return this;
    }

    MessageKey add(long value) {
        if (length == longs.length) {
            longs = Arrays.copyOf(longs, length * 2);
        }
        longs[length++] = value;
        return this;
    }

    /** {@code n} bytes of the buffer with their count: one long for up to four bytes (most attributes). */
    MessageKey bytes(MemorySegment m, long at, long n) {
        if (n <= 4) {
            return add(n << 32 | tail(m, at, (int) n));
        }
        add(n);
        long end = at + n;
        for (; at + 8 <= end; at += 8) {
            add(Wire.u64(m, at));
        }
        return at < end ? add(tail(m, at, (int) (end - at))) : this;
    }

    /** Up to seven bytes in one long (the count is in the key already, so no two tails collide). */
    private static long tail(MemorySegment m, long at, int n) {
        long tail = 0;
        if ((n & 4) != 0) {
            tail = Wire.u32(m, at);
            at += 4;
        }
        if ((n & 2) != 0) {
            tail = tail << 16 | Wire.u16(m, at);
            at += 2;
        }
        if ((n & 1) != 0) {
            tail = tail << 8 | Wire.u8(m, at);
        }
        return tail;
    }

    /** One attribute's payload, or -1 when the message does not carry it. */
    MessageKey attribute(Attributes attrs, int type) {
        int n = attrs.length(type);
        return n < 0 ? add(-1) : bytes(attrs.buffer(), attrs.offset(type), n);
    }

    int length() {
        return length;
    }

    long[] longs() {
        return longs;
    }

    long hash() {
        return hash(longs, 0, length);
    }

    /** The hash of the key stored in {@code keys[from, to)}. */
    static long hash(long[] keys, int from, int to) {
        long h = to - from;
        for (int i = from; i < to; i++) {
            h = Long.rotateLeft(h ^ keys[i] * 0x9E3779B97F4A7C15L, 31) * 0xBF58476D1CE4E5B9L;
        }
        return h ^ h >>> 29;
    }
}
