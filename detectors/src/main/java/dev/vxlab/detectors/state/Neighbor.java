package dev.vxlab.detectors.state;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One IPv4 neighbor (ARP) entry (RTM_NEWNEIGH, family AF_INET), including NOARP and NONE entries.
 *
 * @param dev   ndm_ifindex
 * @param ip    NDA_DST
 * @param mac   NDA_LLADDR; empty for entries without one (FAILED, INCOMPLETE, ...)
 * @param state ndm_state, the kernel's NUD_* bits (0 is NUD_NONE; test them with {@link #has(State)})
 */
public record Neighbor(LinkRef dev, Ipv4 ip, Optional<MacAddress> mac, int state) {
    /** By device, IP, MAC (none first), state; field by field, so sorting a snapshot allocates nothing. */
    static final Comparator<Neighbor> ORDER = (a, b) -> {
        int c = a.dev.compareTo(b.dev);
        if (c == 0) {
            c = a.ip.compareTo(b.ip);
        }
        if (c == 0) {
            c = Long.compare(a.mac.isPresent() ? a.mac.get().bits() : -1L, b.mac.isPresent() ? b.mac.get().bits() : -1L);
        }
        return c != 0 ? c : Integer.compare(a.state, b.state);
    };

    /** Neighbor cache states, NUD_* (include/uapi/linux/neighbour.h); also the states of FDB entries. */
    public enum State {
        INCOMPLETE(0x01), REACHABLE(0x02), STALE(0x04), DELAY(0x08), PROBE(0x10), FAILED(0x20), NOARP(0x40),
        PERMANENT(0x80);

        private final int bit;

        State(int bit) {
            this.bit = bit;
        }

        public int bit() {
            return bit;
        }
    }

    public Neighbor {
        Objects.requireNonNull(dev, "dev");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(mac, "mac");
        if ((state & ~0xFF) != 0) {
            throw new IllegalArgumentException("a neighbor state is a NUD_* byte, not 0x" + Integer.toHexString(state));
        }
    }

    public boolean has(State s) {
        return (state & s.bit()) != 0;
    }

    public Set<State> states() {
        return Bits.toSet(State.class, state, State::bit);
    }

    public boolean isPermanent() {
        return has(State.PERMANENT);
    }

    /** The entry in {@code ip neigh} form. */
    @Override
    public String toString() {
        return ip + " dev " + dev + mac.map(m -> " lladdr " + m).orElse("")
                + (state == 0 ? " NONE" : " " + Bits.describe(State.class, state, State::bit, " "));
    }
}
