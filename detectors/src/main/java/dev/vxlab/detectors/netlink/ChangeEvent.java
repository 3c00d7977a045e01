package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.addr.Ipv4Prefix;

/**
 * Something in a namespace's dataplane changed, as a {@link NetlinkSubscription} heard it. Events say what kind of
 * object changed and where, enough to decide whether to snapshot again; the snapshot is the truth. Counter changes
 * (otherhost drops) are never announced: poll them.
 */
public sealed interface ChangeEvent {

    /** A link appeared, changed (flags, MAC, MTU, master, carrier, ...) or was removed. */
    record LinkChanged(int index, String name, boolean removed) implements ChangeEvent {}

    /** An IPv4 address appeared or was removed. */
    record AddressChanged(int linkIndex, Ipv4Prefix prefix, boolean removed) implements ChangeEvent {}

    /** An IPv4 route of some table appeared, changed or was removed. */
    record RouteChanged(int table, Ipv4Prefix dst, boolean removed) implements ChangeEvent {}

    /** An IPv4 neighbor ({@code fdb} false) or a forwarding-database entry ({@code fdb} true) changed or went. */
    record NeighborChanged(int linkIndex, boolean fdb, boolean removed) implements ChangeEvent {}

    /**
     * An IPv4 sysctl the snapshot holds (forwarding, rp_filter) changed, of one device or of {@link #ALL} or
     * {@link #DEFAULT}.
     */
    record SysctlChanged(int linkIndex) implements ChangeEvent {
        public static final int ALL = -1;
        public static final int DEFAULT = -2;
    }

    /** An IPv4 policy routing rule of that priority was added or removed. */
    record RuleChanged(long priority, boolean removed) implements ChangeEvent {}

    /**
     * The socket's receive queue overflowed (ENOBUFS) and notifications were lost: what changed is unknown, so
     * everything must be read again.
     */
    record Overrun() implements ChangeEvent {}
}
