package dev.vxlab.detectors.state;

import dev.vxlab.detectors.addr.MacAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One network device (RTM_NEWLINK), named after the kernel's fields.
 *
 * @param index     ifi_index
 * @param name      IFLA_IFNAME
 * @param kind      IFLA_INFO_KIND ("vxlan", "bridge", "veth", "dummy", ...); empty for devices without link info such as
 *                  {@code lo} or a physical NIC (use {@link #isLoopback()} for the loopback device)
 * @param mac       IFLA_ADDRESS when it is a 6-byte Ethernet address (all-zero for {@code lo}); empty for devices
 *                  without one (ipip, wireguard, ...)
 * @param mtu       IFLA_MTU
 * @param flags     ifi_flags, the kernel's IFF_* bits exactly (test them with {@link #has(Flag)})
 * @param operState IFLA_OPERSTATE
 * @param master    IFLA_MASTER: the bridge (or bond) this device is a port of
 * @param vxlan     the VXLAN attributes; present exactly when {@code kind} is "vxlan"
 * @param counters  IFLA_STATS64; empty in a snapshot taken {@link NodeState#withoutCounters() without counters}
 */
public record Link(int index, String name, Optional<String> kind, Optional<MacAddress> mac, int mtu, int flags,
                   OperState operState, Optional<LinkRef> master, Optional<VxlanInfo> vxlan,
                   Optional<LinkCounters> counters) {

    /** The kernel's IFF_* device flags (include/uapi/linux/if.h). */
    public enum Flag {
        UP(0x1), BROADCAST(0x2), DEBUG(0x4), LOOPBACK(0x8), POINTOPOINT(0x10), NOTRAILERS(0x20), RUNNING(0x40),
        NOARP(0x80), PROMISC(0x100), ALLMULTI(0x200), MASTER(0x400), SLAVE(0x800), MULTICAST(0x1000),
        PORTSEL(0x2000), AUTOMEDIA(0x4000), DYNAMIC(0x8000), LOWER_UP(0x10000), DORMANT(0x20000), ECHO(0x40000);

        private final int bit;

        Flag(int bit) {
            this.bit = bit;
        }

        public int bit() {
            return bit;
        }

        /** The mask of the given flags. */
        public static int mask(Flag... flags) {
            int mask = 0;
            for (Flag f : flags) {
                mask |= f.bit;
            }
            return mask;
        }
    }

    /** RFC 2863 operational state, the kernel's IF_OPER_* values. */
    public enum OperState {
        UNKNOWN(0), NOTPRESENT(1), DOWN(2), LOWERLAYERDOWN(3), TESTING(4), DORMANT(5), UP(6);

        private final int code;

        OperState(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static OperState ofCode(int code) {
            for (OperState s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown operstate " + code);
        }
    }

    public Link {
        if (index <= 0) {
            throw new IllegalArgumentException("an interface index is positive, not " + index);
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(operState, "operState");
        Objects.requireNonNull(master, "master");
        Objects.requireNonNull(vxlan, "vxlan");
        Objects.requireNonNull(counters, "counters");
        if (vxlan.isPresent() != kind.filter("vxlan"::equals).isPresent()) {
            throw new IllegalArgumentException("link " + name + ": VXLAN attributes go with kind vxlan, not " + kind);
        }
    }

    public boolean has(Flag flag) {
        return (flags & flag.bit()) != 0;
    }

    public Set<Flag> flagSet() {
        return Bits.toSet(Flag.class, flags, Flag::bit);
    }

    /** Administratively up (IFF_UP). */
    public boolean isUp() {
        return has(Flag.UP);
    }

    public boolean isLoopback() {
        return has(Flag.LOOPBACK);
    }

    public boolean isKind(String k) {
        return kind.filter(k::equals).isPresent();
    }

    public LinkRef ref() {
        return new LinkRef(index, name);
    }

    public Link withoutCounters() {
        return counters.isEmpty() ? this
                : new Link(index, name, kind, mac, mtu, flags, operState, master, vxlan, Optional.empty());
    }

    /** One line in the spirit of {@code ip -d link show}. */
    @Override
    public String toString() {
        return index + ": " + name + kind.map(k -> " " + k).orElse("") + " <"
                + Bits.describe(Flag.class, flags, Flag::bit, ",") + "> mtu " + mtu
                + master.map(m -> " master " + m).orElse("") + " state " + operState
                + mac.map(m -> " link/ether " + m).orElse("") + vxlan.map(v -> " " + v).orElse("");
    }
}
