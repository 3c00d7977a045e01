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

    /** {@code n} bytes of the buffer, preceded by their count. */
    MessageKey bytes(MemorySegment m, long at, long n) {
        add(n);
        long end = at + n;
        for (; at + 8 <= end; at += 8) {
            add(Wire.u64(m, at));
        }
        if (at < end) {
            long tail = 0;
            for (; at < end; at++) {
                tail = tail << 8 | Wire.u8(m, at);
            }
            add(tail);
        }
        return this;
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
        long h = length;
        for (int i = 0; i < length; i++) {
            h = Long.rotateLeft(h ^ longs[i] * 0x9E3779B97F4A7C15L, 31) * 0xBF58476D1CE4E5B9L;
        }
        return h ^ h >>> 29;
    }
}
