package dev.vxlab.detectors.netlink;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads netlink's fields straight from a receive buffer. Netlink headers and most attributes are in host byte order;
 * addresses and ports are in network byte order. Every layout is unaligned: the kernel aligns messages and attributes
 * to 4 bytes only, so a 64-bit counter may sit at any 4-byte boundary (reading it with JAVA_LONG throws).
 */
final class Wire {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    static final ValueLayout.OfShort BE16 = U16.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE32 = U32.withOrder(ByteOrder.BIG_ENDIAN);

    private Wire() {}

    static int u8(MemorySegment m, long at) {
        return m.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }

    static int u16(MemorySegment m, long at) {
        return m.get(U16, at) & 0xFFFF;
    }

    /** A 32-bit field as Java's int (signed or unsigned is the caller's reading). */
    static int i32(MemorySegment m, long at) {
        return m.get(U32, at);
    }

    static long u32(MemorySegment m, long at) {
        return m.get(U32, at) & 0xFFFF_FFFFL;
    }

    static long u64(MemorySegment m, long at) {
        return m.get(U64, at);
    }

    static int be16(MemorySegment m, long at) {
        return m.get(BE16, at) & 0xFFFF;
    }

    /** An IPv4 address in network byte order, as {@link dev.vxlab.detectors.addr.Ipv4#bits()}. */
    static int be32(MemorySegment m, long at) {
        return m.get(BE32, at);
    }

    /** Six bytes of an Ethernet address, as {@link dev.vxlab.detectors.addr.MacAddress#bits()}. */
    static long mac(MemorySegment m, long at) {
        return (m.get(BE32, at) & 0xFFFF_FFFFL) << 16 | be16(m, at + 4);
    }

    /** A NUL-terminated string of at most {@code max} bytes (the terminator may be missing). */
    static String string(MemorySegment m, long at, int max) {
        int n = 0;
        while (n < max && m.get(ValueLayout.JAVA_BYTE, at + n) != 0) {
            n++;
        }
        byte[] bytes = new byte[n];
        MemorySegment.copy(m, ValueLayout.JAVA_BYTE, at, bytes, 0, n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** NLMSG_ALIGN / NLA_ALIGN: messages and attributes start at 4-byte boundaries. */
    static long align(long length) {
        return (length + 3) & ~3L;
    }
}
