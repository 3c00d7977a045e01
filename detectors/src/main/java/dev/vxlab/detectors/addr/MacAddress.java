package dev.vxlab.detectors.addr;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/** A 48-bit Ethernet address held as a long; prints as lower-case colon-separated hex, the way iproute2 does. */
public record MacAddress(long bits) {
    private static final HexFormat HEX = HexFormat.of();

    public MacAddress {
        if ((bits >>> 48) != 0) {
            throw new IllegalArgumentException("a MAC address has 48 bits");
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static MacAddress parse(String text) {
        String t = text.trim();
        String[] parts = t.split(":", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: '" + text + "'");
        }
        long bits = 0;
        for (String part : parts) {
            if (part.length() != 2 || !HexFormat.isHexDigit(part.charAt(0)) || !HexFormat.isHexDigit(part.charAt(1))) {
                throw new IllegalArgumentException("not a MAC address: '" + text + "'");
            }
            bits = (bits << 8) | HexFormat.fromHexDigits(part);
        }
        return new MacAddress(bits);
    }

    public static MacAddress ofBytes(byte[] raw) {
        if (raw.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + raw.length);
        }
        long bits = 0;
        for (byte b : raw) {
            bits = (bits << 8) | (b & 0xff);
        }
        return new MacAddress(bits);
    }

    /** A random unicast, locally administered address: what the kernel gives a new vxlan device. */
    public static MacAddress randomLocal(RandomGenerator random) {
        long bits = random.nextLong() & 0xffff_ffff_ffffL;
        bits &= ~(1L << 40); // unicast
        bits |= 1L << 41;    // locally administered
        return new MacAddress(bits);
    }

    @JsonValue
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (shift != 40) {
                out.append(':');
            }
            out.append(HEX.toHexDigits((byte) (bits >>> shift)));
        }
        return out.toString();
    }

    // Written out as the record's would be, for C1's sake (see Ipv4#equals).
    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress other && other.bits == bits;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bits);
    }
}
