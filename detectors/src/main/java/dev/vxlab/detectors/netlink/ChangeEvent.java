package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.RoutingRule;
import java.util.Objects;
import java.util.Optional;

/**
 * Something in a namespace's dataplane changed, as a {@link NetlinkSubscription} heard it: what kind of object, where,
 * and the object itself as the kernel announced it (read by the same parsers as a snapshot's dumps), so that
 * {@link StateDeltas} can bring the last snapshot up to date without dumping again. The record is empty when the
 * notification could not be read into one; then only a new snapshot tells what changed.
 *
 * <p>A record's device references ({@link dev.vxlab.detectors.state.LinkRef}) carry the index the kernel sent and the
 * name the subscription knows for it (from a snapshot when it opened, then from link events; {@code ifN} for one it
 * never heard of): {@link StateDeltas} names devices from the state it updates. Counter changes (otherhost drops) are
 * never announced: poll them.
 */
public sealed interface ChangeEvent {

    /** A link appeared, changed (flags, MAC, MTU, master, carrier, ...) or was removed. */
    record LinkChanged(int index, String name, boolean removed, Optional<Link> link) implements ChangeEvent {
        public LinkChanged {
            Objects.requireNonNull(link, "link");
        }
    }

    /** An IPv4 address appeared or was removed. */
    record AddressChanged(int linkIndex, Ipv4Prefix prefix, boolean removed, Optional<Address> address)
            implements ChangeEvent {
        public AddressChanged {
            Objects.requireNonNull(address, "address");
        }
    }

    /** An IPv4 route of some table appeared, changed or was removed. */
    record RouteChanged(int table, Ipv4Prefix dst, boolean removed, Optional<Route> route) implements ChangeEvent {
        public RouteChanged {
            Objects.requireNonNull(route, "route");
        }
    }

    /**
     * An IPv4 neighbor ({@code fdb} false, {@code neighbor} set) or a forwarding-database entry ({@code fdb} true,
     * {@code entry} set: of any device, vxlan or not) changed or went.
     */
    record NeighborChanged(int linkIndex, boolean fdb, boolean removed, Optional<Neighbor> neighbor,
                           Optional<FdbEntry> entry) implements ChangeEvent {
        public NeighborChanged {
            Objects.requireNonNull(neighbor, "neighbor");
            Objects.requireNonNull(entry, "entry");
        }
    }

    /**
     * An IPv4 sysctl the snapshot holds (forwarding, rp_filter) changed, of one device or of {@link #ALL} or
     * {@link #DEFAULT}.
     */
    record SysctlChanged(int linkIndex) implements ChangeEvent {
        public static final int ALL = -1;
        public static final int DEFAULT = -2;
    }

    /** An IPv4 policy routing rule of that priority was added or removed. */
    record RuleChanged(long priority, boolean removed, Optional<RoutingRule> rule) implements ChangeEvent {
        public RuleChanged {
            Objects.requireNonNull(rule, "rule");
        }
    }

    /**
     * The socket's receive queue overflowed (ENOBUFS) and notifications were lost: what changed is unknown, so
     * everything must be read again.
     */
    record Overrun() implements ChangeEvent {}
}
