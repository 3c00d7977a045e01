package dev.vxlab.detectors.state;

/**
 * The scope of an address or route, as the kernel's number (rtm_scope / ifa_scope, RT_SCOPE_*). Any 0..255 value is
 * valid; the named constants are the ones the kernel defines. Prints the way iproute2 names it.
 */
public record Scope(int value) implements Comparable<Scope> {
    /** RT_SCOPE_UNIVERSE, printed "global". */
    public static final Scope UNIVERSE = new Scope(0);
    public static final Scope SITE = new Scope(200);
    public static final Scope LINK = new Scope(253);
    public static final Scope HOST = new Scope(254);
    public static final Scope NOWHERE = new Scope(255);

    public Scope {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException("a scope is 0..255, not " + value);
        }
    }

    public static Scope of(int value) {
        return new Scope(value);
    }

    @Override
    public int compareTo(Scope other) {
        return Integer.compare(value, other.value);
    }

    @Override
    public String toString() {
        return switch (value) {
            case 0 -> "global";
            case 200 -> "site";
            case 253 -> "link";
            case 254 -> "host";
            case 255 -> "nowhere";
            default -> Integer.toString(value);
        };
    }

    // Written out as the record's would be, for C1's sake (see Ipv4#equals).
    @Override
    public boolean equals(Object o) {
        return o instanceof Scope other && other.value == value;
    }

    @Override
    public int hashCode() {
        return value;
    }
}
