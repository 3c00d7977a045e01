package dev.vxlab.detectors.state;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One forwarding-database entry of a VXLAN device (RTM_NEWNEIGH, family AF_BRIDGE): which remote VTEP a MAC is
 * reached through.
 *
 * @param dev   ndm_ifindex, a link of kind vxlan
 * @param mac   NDA_LLADDR (00:00:00:00:00:00 is the default, flood destination)
 * @param dst   NDA_DST, the remote VTEP's IPv4 address; empty when absent (or not IPv4)
 * @param flags ndm_flags, the kernel's NTF_* bits (test them with {@link #has(Flag)})
 * @param state ndm_state reduced to the one NUD_* bit bridge(8) names (PERMANENT, else NOARP, else STALE, else
 *              REACHABLE, else as it is; see the contract in {@code dev.vxlab.detectors.source}); flannel's entries
 *              are PERMANENT
 */
public record FdbEntry(LinkRef dev, MacAddress mac, Optional<Ipv4> dst, int flags, int state) {
    /** By device, MAC, destination, flags, state; field by field, so sorting a snapshot allocates nothing. */
    static final Comparator<FdbEntry> ORDER = (a, b) -> {
        int c = a.dev.compareTo(b.dev);
        if (c == 0) {
            c = Long.compare(a.mac.bits(), b.mac.bits());
        }
        if (c == 0) {
            c = Integer.compareUnsigned(a.dst.isPresent() ? a.dst.get().bits() : 0,
                    b.dst.isPresent() ? b.dst.get().bits() : 0);
        }
        if (c == 0) {
            c = Integer.compare(a.flags, b.flags);
        }
        return c != 0 ? c : Integer.compare(a.state, b.state);
    };

    /** Neighbor table entry flags, NTF_*. */
    public enum Flag {
        USE(0x01), SELF(0x02), MASTER(0x04), PROXY(0x08), EXT_LEARNED(0x10), OFFLOADED(0x20), STICKY(0x40),
        ROUTER(0x80);

        private final int bit;

        Flag(int bit) {
            this.bit = bit;
        }

        public int bit() {
            return bit;
        }
    }

    public FdbEntry {
        Objects.requireNonNull(dev, "dev");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(dst, "dst");
        if ((flags & ~0xFF) != 0 || (state & ~0xFF) != 0) {
            throw new IllegalArgumentException("FDB flags and state are bytes");
        }
    }

    public boolean has(Flag flag) {
        return (flags & flag.bit()) != 0;
    }

    public boolean has(Neighbor.State s) {
        return (state & s.bit()) != 0;
    }

    public Set<Flag> flagSet() {
        return Bits.toSet(Flag.class, flags, Flag::bit);
    }

    public boolean isPermanent() {
        return has(Neighbor.State.PERMANENT);
    }

    /** The entry in {@code bridge fdb} form. */
    @Override
    public String toString() {
        return mac + " dev " + dev + dst.map(d -> " dst " + d).orElse("")
                + (flags == 0 ? "" : " " + Bits.describe(Flag.class, flags, Flag::bit, " ").toLowerCase(Locale.ROOT))
                + (state == 0 ? "" : " " + Bits.describe(Neighbor.State.class, state, Neighbor.State::bit, " ")
                        .toLowerCase(Locale.ROOT));
    }
}
