package dev.vxlab.detectors.netlink;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The attributes of one message (or one nested attribute) indexed by type, like the kernel's {@code nla_parse()}
 * table: filled in one pass over the buffer, then read field by field. One instance is reused for every message, so
 * parsing allocates nothing; types above the table's size are skipped, and a repeated type keeps its last value.
 */
final class Attributes {
    private static final int NLA_TYPE_MASK = 0x3FFF; // without NLA_F_NESTED and NLA_F_NET_BYTEORDER

    private final long[] offset;
    private final int[] length;
    private MemorySegment m;

    /** A table for types 0..maxType. */
    Attributes(int maxType) {
        offset = new long[maxType + 1];
        length = new int[maxType + 1];
    }

    /**
     * Indexes the attributes in {@code [from, to)}.
     *
     * @throws IllegalArgumentException when an attribute's length runs past the end
     */
    Attributes parse(MemorySegment buffer, long from, long to) {
        m = buffer;
        Arrays.fill(offset, -1);
        long at = from;
        while (at + 4 <= to) {
            int len = Wire.u16(m, at);
            if (len < 4 || at + len > to) {
                throw new IllegalArgumentException("attribute of type " + (Wire.u16(m, at + 2) & NLA_TYPE_MASK)
                        + " claims " + len + " bytes where " + (to - at) + " remain");
            }
            int type = Wire.u16(m, at + 2) & NLA_TYPE_MASK;
            if (type < offset.length) {
                offset[type] = at + 4;
                length[type] = len - 4;
            }
            at += Wire.align(len);
        }
        return this;
    }

    boolean has(int type) {
        return offset[type] >= 0;
    }

    /** The payload length, or -1 when absent. */
    int length(int type) {
        return offset[type] >= 0 ? length[type] : -1;
    }

    /** Where the payload starts in {@link #buffer()}. */
    long offset(int type) {
        return offset[type];
    }

    MemorySegment buffer() {
        return m;
    }

    int u8(int type, int absent) {
        return length(type) >= 1 ? Wire.u8(m, offset[type]) : absent;
    }

    /** A 32-bit host-order value, or {@code absent}. */
    int i32(int type, int absent) {
        return length(type) >= 4 ? Wire.i32(m, offset[type]) : absent;
    }

    long u32(int type, long absent) {
        return length(type) >= 4 ? Wire.u32(m, offset[type]) : absent;
    }

    /** A 16-bit network-order value (a UDP port), or {@code absent}. */
    int be16(int type, int absent) {
        return length(type) >= 2 ? Wire.be16(m, offset[type]) : absent;
    }

    /** Exactly four bytes: an IPv4 address. */
    boolean isIpv4(int type) {
        return length(type) == 4;
    }

    int ipv4(int type) {
        return Wire.be32(m, offset[type]);
    }

    /** Exactly six bytes: an Ethernet address. */
    boolean isMac(int type) {
        return length(type) == 6;
    }

    long mac(int type) {
        return Wire.mac(m, offset[type]);
    }

    String string(int type) {
        return Wire.string(m, offset[type], length[type]);
    }

    /** Whether the attribute is this ASCII string (NUL-terminated or not), read without building a String. */
    boolean isString(int type, String ascii) {
        int n = ascii.length();
        int length = length(type);
        if (length < n || length > n && Wire.u8(m, offset[type] + n) != 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (Wire.u8(m, offset[type] + i) != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
