package dev.vxlab.detectors.addr;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** An IPv4 prefix such as 10.187.0.0/16; {@link #address()} may carry host bits (10.187.0.1/24 is an interface). */
public record Ipv4Prefix(Ipv4 address, int length) {

    public Ipv4Prefix {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32, not " + length);
        }
    }

    /** Parses {@code a.b.c.d/len}; a bare address is taken as /32. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Ipv4Prefix parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        if (slash < 0) {
            return new Ipv4Prefix(Ipv4.parse(trimmed), 32);
        }
        String len = trimmed.substring(slash + 1);
        if (len.isEmpty() || len.length() > 2 || !len.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("not an IPv4 prefix: '" + text + "'");
        }
        int length = Integer.parseInt(len);
        if (length > 32) {
            throw new IllegalArgumentException("not an IPv4 prefix: '" + text + "' (length over 32)");
        }
        return new Ipv4Prefix(Ipv4.parse(trimmed.substring(0, slash)), length);
    }

    public int mask() {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    /** The network address: host bits cleared. */
    public Ipv4 network() {
        return new Ipv4(address.bits() & mask());
    }

    /** This prefix with host bits cleared (10.187.0.1/24 becomes 10.187.0.0/24). */
    public Ipv4Prefix canonical() {
        return new Ipv4Prefix(network(), length);
    }

    public boolean contains(Ipv4 ip) {
        return (ip.bits() & mask()) == network().bits();
    }

    public boolean contains(Ipv4Prefix other) {
        return other.length >= length && contains(other.address);
    }

    public boolean overlaps(Ipv4Prefix other) {
        return contains(other.network()) || other.contains(network());
    }

    /** The n-th subnet of the given length inside this prefix (10.187.0.0/16 subnet(24, 4) is 10.187.4.0/24). */
    public Ipv4Prefix subnet(int newLength, int index) {
        if (newLength < length || newLength > 32) {
            throw new IllegalArgumentException("cannot cut /" + newLength + " subnets out of " + this);
        }
        long count = 1L << (newLength - length);
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException(this + " has only " + count + " /" + newLength + " subnets");
        }
        int step = newLength == 32 ? 1 : 1 << (32 - newLength);
        return new Ipv4Prefix(new Ipv4(network().bits() + index * step), newLength);
    }

    /** The address at the given offset from the network address. */
    public Ipv4 host(int offset) {
        return network().plus(offset);
    }

    public long size() {
        return 1L << (32 - length);
    }

    @JsonValue
    @Override
    public String toString() {
        return address + "/" + length;
    }

    // Written out as the record's would be, for C1's sake (see Ipv4#equals).
    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4Prefix other && other.length == length && java.util.Objects.equals(other.address, address);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Objects.hashCode(address) + length;
    }
}
