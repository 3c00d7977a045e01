package dev.vxlab.detectors.state;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One IPv4 route of any table (RTM_NEWROUTE), named after the kernel's fields.
 *
 * @param table    RTA_TABLE (an unsigned 32-bit id): {@link #TABLE_LOCAL}, {@link #TABLE_MAIN}, or any other
 * @param type     rtm_type
 * @param dst      RTA_DST with rtm_dst_len; the default route is 0.0.0.0/0
 * @param gateway  RTA_GATEWAY
 * @param dev      RTA_OIF; empty for blackhole/unreachable/prohibit routes and for multipath routes
 * @param flags    the RTNH_F_* bits of rtm_flags (the low byte; test them with {@link #has(Flag)})
 * @param scope    rtm_scope
 * @param protocol rtm_protocol
 * @param prefsrc  RTA_PREFSRC
 * @param metric   RTA_PRIORITY, 0 when absent (an unsigned 32-bit value)
 */
public record Route(int table, Type type, Ipv4Prefix dst, Optional<Ipv4> gateway, Optional<LinkRef> dev, int flags,
                    Scope scope, Protocol protocol, Optional<Ipv4> prefsrc, long metric) {
    public static final int TABLE_UNSPEC = 0;
    public static final int TABLE_DEFAULT = 253;
    public static final int TABLE_MAIN = 254;
    public static final int TABLE_LOCAL = 255;

    /**
     * By table, destination, length, metric, type, device index, gateway, scope, protocol, preferred source, flags.
     * Written out field by field: every snapshot sorts thousands of routes with it, and a chain of key-extracting
     * comparators allocates (Optional.map, boxing) on every comparison.
     */
    static final Comparator<Route> ORDER = (a, b) -> {
        int c = Integer.compare(a.table, b.table);
        if (c == 0) {
            c = a.dst.address().compareTo(b.dst.address());
        }
        if (c == 0) {
            c = Integer.compare(a.dst.length(), b.dst.length());
        }
        if (c == 0) {
            c = Long.compare(a.metric, b.metric);
        }
        if (c == 0) {
            c = Integer.compare(a.type.code(), b.type.code());
        }
        if (c == 0) {
            c = Integer.compare(a.dev.isPresent() ? a.dev.get().index() : 0, b.dev.isPresent() ? b.dev.get().index() : 0);
        }
        if (c == 0) {
            c = Integer.compareUnsigned(bits(a.gateway), bits(b.gateway));
        }
        if (c == 0) {
            c = a.scope.compareTo(b.scope);
        }
        if (c == 0) {
            c = Integer.compare(a.protocol.value(), b.protocol.value());
        }
        if (c == 0) {
            c = Integer.compareUnsigned(bits(a.prefsrc), bits(b.prefsrc));
        }
        return c != 0 ? c : Integer.compare(a.flags, b.flags);
    };

    private static int bits(Optional<Ipv4> ip) {
        return ip.isPresent() ? ip.get().bits() : 0;
    }

    /** The kernel's route types, RTN_* (include/uapi/linux/rtnetlink.h). */
    public enum Type {
        UNSPEC(0), UNICAST(1), LOCAL(2), BROADCAST(3), ANYCAST(4), MULTICAST(5), BLACKHOLE(6), UNREACHABLE(7),
        PROHIBIT(8), THROW(9), NAT(10), XRESOLVE(11);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Type ofCode(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown route type " + code);
        }
    }

    /** The next-hop flags, RTNH_F_*. */
    public enum Flag {
        DEAD(0x1), PERVASIVE(0x2), ONLINK(0x4), OFFLOAD(0x8), LINKDOWN(0x10), UNRESOLVED(0x20), TRAP(0x40);

        private final int bit;

        Flag(int bit) {
            this.bit = bit;
        }

        public int bit() {
            return bit;
        }
    }

    /** Who installed the route: rtm_protocol, the kernel's RTPROT_* number (any 0..255). */
    public record Protocol(int value) {
        public static final Protocol UNSPEC = new Protocol(0);
        public static final Protocol REDIRECT = new Protocol(1);
        public static final Protocol KERNEL = new Protocol(2);
        /** What {@code ip route add} uses by default, and so what flannel's netlink calls leave. */
        public static final Protocol BOOT = new Protocol(3);
        public static final Protocol STATIC = new Protocol(4);
        public static final Protocol DHCP = new Protocol(16);

        public Protocol {
            if (value < 0 || value > 255) {
                throw new IllegalArgumentException("a route protocol is 0..255, not " + value);
            }
        }

        // Written out as the record's would be, for C1's sake (see Ipv4#equals).
        @Override
        public boolean equals(Object o) {
            return o instanceof Protocol other && other.value == value;
        }

        @Override
        public int hashCode() {
            return value;
        }

        public static Protocol of(int value) {
            return new Protocol(value);
        }

        @Override
        public String toString() {
            return switch (value) {
                case 0 -> "unspec";
                case 1 -> "redirect";
                case 2 -> "kernel";
                case 3 -> "boot";
                case 4 -> "static";
                case 16 -> "dhcp";
                default -> Integer.toString(value);
            };
        }
    }

    public Route {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(dev, "dev");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(prefsrc, "prefsrc");
        if ((flags & ~0xFF) != 0) {
            throw new IllegalArgumentException("route flags hold only the RTNH_F_* byte, not 0x" + Integer.toHexString(flags));
        }
        if (metric < 0 || metric > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("a metric is an unsigned 32-bit value, not " + metric);
        }
    }

    public boolean has(Flag flag) {
        return (flags & flag.bit()) != 0;
    }

    public Set<Flag> flagSet() {
        return Bits.toSet(Flag.class, flags, Flag::bit);
    }

    /** RTNH_F_ONLINK: the gateway is reached on the device without an on-link prefix (flannel's routes). */
    public boolean onlink() {
        return has(Flag.ONLINK);
    }

    public boolean isDefault() {
        return dst.length() == 0;
    }

    /** The route in {@code ip route} form, always naming the table, protocol and scope. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        if (type != Type.UNICAST) {
            out.append(type.name().toLowerCase(java.util.Locale.ROOT)).append(' ');
        }
        out.append(isDefault() ? "default" : dst.length() == 32 ? dst.address().toString() : dst.toString());
        gateway.ifPresent(g -> out.append(" via ").append(g));
        dev.ifPresent(d -> out.append(" dev ").append(d));
        out.append(" table ").append(switch (table) {
            case TABLE_MAIN -> "main";
            case TABLE_LOCAL -> "local";
            case TABLE_DEFAULT -> "default";
            default -> Integer.toUnsignedString(table);
        });
        out.append(" proto ").append(protocol).append(" scope ").append(scope);
        prefsrc.ifPresent(s -> out.append(" src ").append(s));
        if (metric != 0) {
            out.append(" metric ").append(metric);
        }
        for (Flag f : Flag.values()) {
            if (has(f)) {
                out.append(' ').append(f.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return out.toString();
    }
}
