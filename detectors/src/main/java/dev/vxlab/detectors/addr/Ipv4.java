package dev.vxlab.detectors.addr;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** An IPv4 address held as its 32-bit value, so arithmetic on address plans stays exact and allocation-free. */
public record Ipv4(int bits) implements Comparable<Ipv4> {

    /** Parses dotted-quad text; throws {@link IllegalArgumentException} with the offending text otherwise. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Ipv4 parse(String text) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        }
        int bits = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            bits = (bits << 8) | octet;
        }
        return new Ipv4(bits);
    }

    public static Ipv4 ofBytes(byte[] raw) {
        if (raw.length != 4) {
            throw new IllegalArgumentException("an IPv4 address has 4 bytes, not " + raw.length);
        }
        return new Ipv4(((raw[0] & 0xff) << 24) | ((raw[1] & 0xff) << 16) | ((raw[2] & 0xff) << 8) | (raw[3] & 0xff));
    }

    public Ipv4 plus(int offset) {
        return new Ipv4(bits + offset);
    }

    public byte[] toBytes() {
        return new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    }

    public java.net.InetAddress toInetAddress() {
        try {
            return java.net.InetAddress.getByAddress(toBytes());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen for 4 bytes
        }
    }

    @Override
    public int compareTo(Ipv4 other) {
        return Integer.compareUnsigned(bits, other.bits);
    }

    @JsonValue
    @Override
    public String toString() {
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
    }

    // Written out, the same as a record's (component by component, hash 31 * h + c): a record's generated equals and
    // hashCode go through method handles that C1, the agent's only compiler, cannot inline (5x slower, and the
    // detectors compare these values thousands of times a pass).
    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4 other && other.bits == bits;
    }

    @Override
    public int hashCode() {
        return bits;
    }
}
