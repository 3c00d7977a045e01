package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.LinkRef;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.RoutingRule;
import dev.vxlab.detectors.state.VxlanInfo;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Brings a snapshot up to date with the {@link ChangeEvent}s heard since, without dumping again: each event's record
 * replaces, adds or removes the object it names. It refuses (and then only a new snapshot is exact) whenever the
 * events do not say everything the kernel did:
 * <ul>
 *   <li>an {@link ChangeEvent.Overrun} (events were lost), a sysctl change (the event carries no values), a
 *       notification that could not be read into a record;</li>
 *   <li>a link removed, or one going up or down or gaining or losing its carrier: the kernel then drops or flags
 *       routes without a word; a link renamed (other records and the policy rules name it);</li>
 *   <li>an address removed while a route still uses it as its preferred source, or its device's last one while a
 *       route still goes through that device (the kernel flushes such routes silently);</li>
 *   <li>an announcement that may stand for two kernel operations (a route or FDB entry added next to a different one
 *       under the same key: appended or replaced?, a policy rule added twice or removed unseen);</li>
 *   <li>a record naming a device the state does not have.</li>
 * </ul>
 * Replaying an event the snapshot already holds changes nothing, so events queued while the snapshot was taken may be
 * applied to it. What no event announces stays as the snapshot had it: counters, NetworkManager's facts, the
 * firewall, udev's facts (they come from full snapshots only), and the neighbor entries the kernel creates without a
 * notification (INCOMPLETE ones while it resolves an address, NOARP multicast ones when it sends to a group): the
 * periodic full snapshot corrects those.
 */
public final class StateDeltas {
    /** The rtnetlink flags whose change makes the kernel change routes without notifications. */
    private static final int CARRIER_FLAGS = Link.Flag.mask(Link.Flag.UP, Link.Flag.RUNNING, Link.Flag.LOWER_UP,
            Link.Flag.DORMANT);

    private StateDeltas() {}

    /** What {@link #apply} made of the events. */
    public sealed interface Outcome {}

    /**
     * The state after the events, and the parts that differ from the last one (none when the events only repeated
     * what it held).
     */
    public record Applied(NodeState state, Set<StatePart> changed) implements Outcome {
        public Applied {
            Objects.requireNonNull(state, "state");
            changed = Set.copyOf(changed);
        }
    }

    /** Why the events cannot be applied exactly: take a new snapshot. */
    public record Refused(String reason) implements Outcome {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The new state, or empty when only a new snapshot is exact. */
    public static Optional<NodeState> tryApply(NodeState last, List<ChangeEvent> events) {
        return apply(last, events) instanceof Applied a ? Optional.of(a.state()) : Optional.empty();
    }

    /** Applies the events, in the order heard, to the last state. */
    public static Outcome apply(NodeState last, List<ChangeEvent> events) {
        Objects.requireNonNull(last, "last");
        Work work = new Work(last);
        try {
            for (ChangeEvent event : events) {
                work.apply(event);
            }
            return work.finish();
        } catch (Refusal r) {
            return new Refused(r.getMessage());
        }
    }

    /** Unwinds the application at the first event that cannot be applied exactly. */
    private static final class Refusal extends Exception {
        Refusal(String why) {
            super(why, null, false, false);
        }
    }

    /** The lists being changed: copied from the last state when first written. */
    private static final class Work {
        private final NodeState last;
        private final EnumSet<StatePart> changed = EnumSet.noneOf(StatePart.class);
        private List<Link> links;
        private List<Address> addresses;
        private List<Route> routes;
        private List<Neighbor> neighbors;
        private List<FdbEntry> fdb;
        private List<RoutingRule> rules;
        private List<Address> removedAddresses;

        Work(NodeState last) {
            this.last = last;
            this.links = last.links();
            this.addresses = last.addresses();
            this.routes = last.routes();
            this.neighbors = last.neighbors();
            this.fdb = last.fdb();
            this.rules = last.rules();
        }

        void apply(ChangeEvent event) throws Refusal {
            switch (event) {
                case ChangeEvent.Overrun o -> throw new Refusal("notifications were lost (overrun)");
                case ChangeEvent.SysctlChanged s -> throw new Refusal("a sysctl changed (device index "
                        + s.linkIndex() + ")");
                case ChangeEvent.LinkChanged l -> link(l, required(l.link(), l));
                case ChangeEvent.AddressChanged a -> address(required(a.address(), a), a.removed());
                case ChangeEvent.RouteChanged r -> route(required(r.route(), r), r.removed());
                case ChangeEvent.NeighborChanged n when n.fdb() -> fdb(required(n.entry(), n), n.removed());
                case ChangeEvent.NeighborChanged n -> neighbor(required(n.neighbor(), n), n.removed());
                case ChangeEvent.RuleChanged r -> rule(required(r.rule(), r), r.removed());
            }
        }

        private static <T> T required(Optional<T> record, ChangeEvent event) throws Refusal {
            if (record.isEmpty()) {
                throw new Refusal("a notification could not be read into a record: " + event);
            }
            return record.get();
        }

        private void link(ChangeEvent.LinkChanged event, Link link) throws Refusal {
            if (event.removed()) {
                throw new Refusal("link " + link.name() + " was removed (its routes go without notifications)");
            }
            int at = indexOfLink(link.index());
            if (at < 0) {
                if (indexOfLink(link.name()) >= 0) {
                    throw new Refusal("a new link " + link.index() + " is named " + link.name()
                            + " like another one");
                }
                // Counters come from full snapshots only.
                write(StatePart.LINKS);
                links.add(withCounters(link, Optional.empty()));
                return;
            }
            Link old = links.get(at);
            if (!old.name().equals(link.name())) {
                throw new Refusal("link " + old.name() + " was renamed " + link.name());
            }
            if (((old.flags() ^ link.flags()) & CARRIER_FLAGS) != 0 || old.operState() != link.operState()) {
                throw new Refusal("link " + link.name() + " went up or down or changed carrier (the kernel changes "
                        + "its routes without notifications)");
            }
            Link updated = withCounters(link, old.counters());
            if (!sameLink(old, updated)) {
                write(StatePart.LINKS);
                links.set(at, updated);
            }
        }

        /** Equal but for the names of the devices referred to, which {@link #finish} resolves. */
        private static boolean sameLink(Link a, Link b) {
            return a.index() == b.index() && a.name().equals(b.name()) && a.kind().equals(b.kind())
                    && a.mac().equals(b.mac()) && a.mtu() == b.mtu() && a.flags() == b.flags()
                    && a.operState() == b.operState() && a.counters().equals(b.counters())
                    && a.master().map(LinkRef::index).equals(b.master().map(LinkRef::index))
                    && a.vxlan().map(StateDeltas::withoutUnderlayName).equals(
                            b.vxlan().map(StateDeltas::withoutUnderlayName));
        }

        private void address(Address address, boolean removed) throws Refusal {
            int at = -1;
            for (int i = 0; i < addresses.size(); i++) {
                Address a = addresses.get(i);
                if (a.link().index() == address.link().index() && a.prefix().equals(address.prefix())) {
                    at = i;
                    break;
                }
            }
            if (removed) {
                if (at >= 0) {
                    write(StatePart.ADDRESSES);
                    addresses.remove(at);
                    if (removedAddresses == null) {
                        removedAddresses = new ArrayList<>(2);
                    }
                    removedAddresses.add(address);
                }
            } else if (at < 0) {
                write(StatePart.ADDRESSES);
                addresses.add(address);
            } else if (!addresses.get(at).scope().equals(address.scope())) {
                write(StatePart.ADDRESSES);
                addresses.set(at, address);
            }
        }

        /**
         * A route is the kernel's alias of one destination, table and metric (and TOS, which vxlab does not keep): an
         * announced route either repeats what the state holds under that key, adds the first one, or leaves it
         * unclear whether it was appended or replaced one.
         */
        private void route(Route route, boolean removed) throws Refusal {
            int same = -1;
            int sameKey = -1;
            for (int i = 0; i < routes.size(); i++) {
                Route r = routes.get(i);
                if (r.table() == route.table() && r.metric() == route.metric() && r.dst().equals(route.dst())) {
                    if (sameRoute(r, route)) {
                        same = i;
                        break;
                    }
                    sameKey = i;
                }
            }
            if (removed) {
                if (same >= 0) {
                    write(StatePart.ROUTES);
                    routes.remove(same);
                } else if (sameKey >= 0) {
                    throw new Refusal("a removed route differs from the one held: " + route);
                }
            } else if (same < 0) {
                if (sameKey >= 0) {
                    throw new Refusal("a route was appended or replaced: " + route);
                }
                write(StatePart.ROUTES);
                routes.add(route);
            }
        }

        private static boolean sameRoute(Route a, Route b) {
            return a.table() == b.table() && a.type() == b.type() && a.dst().equals(b.dst())
                    && a.gateway().equals(b.gateway()) && devIndex(a) == devIndex(b)
                    && a.flags() == b.flags() && a.scope().equals(b.scope()) && a.protocol().equals(b.protocol())
                    && a.prefsrc().equals(b.prefsrc()) && a.metric() == b.metric();
        }

        private static int devIndex(Route r) {
            return r.dev().isPresent() ? r.dev().get().index() : 0;
        }

        private void neighbor(Neighbor neighbor, boolean removed) {
            int at = -1;
            for (int i = 0; i < neighbors.size(); i++) {
                Neighbor n = neighbors.get(i);
                if (n.dev().index() == neighbor.dev().index() && n.ip().equals(neighbor.ip())) {
                    at = i;
                    break;
                }
            }
            if (removed) {
                if (at >= 0) {
                    write(StatePart.NEIGHBORS);
                    neighbors.remove(at);
                }
            } else if (at < 0) {
                write(StatePart.NEIGHBORS);
                neighbors.add(neighbor);
            } else {
                Neighbor old = neighbors.get(at);
                if (!old.mac().equals(neighbor.mac()) || old.state() != neighbor.state()) {
                    write(StatePart.NEIGHBORS);
                    neighbors.set(at, neighbor);
                }
            }
        }

        /**
         * Entries of the vxlan devices only, as the snapshot's dump. A MAC may have several remotes (appended), and a
         * replaced remote is announced without the one it replaced: a new remote beside another is unclear.
         */
        private void fdb(FdbEntry entry, boolean removed) throws Refusal {
            int link = indexOfLink(entry.dev().index());
            if (link < 0 || !links.get(link).isKind("vxlan")) {
                return;
            }
            int same = -1;
            int sameMac = -1;
            for (int i = 0; i < fdb.size(); i++) {
                FdbEntry e = fdb.get(i);
                if (e.dev().index() == entry.dev().index() && e.mac().equals(entry.mac())) {
                    if (e.dst().equals(entry.dst())) {
                        same = i;
                        break;
                    }
                    sameMac = i;
                }
            }
            if (removed) {
                if (same >= 0) {
                    write(StatePart.FDB);
                    fdb.remove(same);
                }
            } else if (same >= 0) {
                FdbEntry old = fdb.get(same);
                if (old.flags() != entry.flags() || old.state() != entry.state()) {
                    write(StatePart.FDB);
                    fdb.set(same, entry);
                }
            } else if (sameMac >= 0) {
                throw new Refusal("an FDB remote was appended or replaced: " + entry.mac() + " dst "
                        + entry.dst().map(Ipv4::toString).orElse("-"));
            } else {
                write(StatePart.FDB);
                fdb.add(entry);
            }
        }

        private void rule(RoutingRule rule, boolean removed) throws Refusal {
            int at = rules.indexOf(rule);
            if (removed) {
                if (at < 0) {
                    throw new Refusal("a removed policy rule is not held: " + rule);
                }
                write(StatePart.RULES);
                rules.remove(at);
            } else {
                if (at >= 0) {
                    throw new Refusal("a policy rule was added beside an equal one: " + rule);
                }
                write(StatePart.RULES);
                rules.add(rule);
            }
        }

        /** Copies a part's list before its first change. */
        private void write(StatePart part) {
            if (!changed.add(part)) {
                return;
            }
            switch (part) {
                case LINKS -> links = new ArrayList<>(links);
                case ADDRESSES -> addresses = new ArrayList<>(addresses);
                case ROUTES -> routes = new ArrayList<>(routes);
                case NEIGHBORS -> neighbors = new ArrayList<>(neighbors);
                case FDB -> fdb = new ArrayList<>(fdb);
                case RULES -> rules = new ArrayList<>(rules);
                default -> throw new IllegalArgumentException("no event changes " + part);
            }
        }

        private int indexOfLink(int index) {
            for (int i = 0; i < links.size(); i++) {
                if (links.get(i).index() == index) {
                    return i;
                }
            }
            return -1;
        }

        private int indexOfLink(String name) {
            for (int i = 0; i < links.size(); i++) {
                if (links.get(i).name().equals(name)) {
                    return i;
                }
            }
            return -1;
        }

        /** Names every device a changed record refers to from the links, checks what the kernel did unseen. */
        Outcome finish() throws Refusal {
            if (changed.isEmpty()) {
                return new Applied(last, changed);
            }
            if (changed.contains(StatePart.LINKS)) {
                for (int i = 0; i < links.size(); i++) {
                    links.set(i, named(links.get(i)));
                }
            }
            if (changed.contains(StatePart.ADDRESSES)) {
                for (int i = 0; i < addresses.size(); i++) {
                    Address a = addresses.get(i);
                    LinkRef named = ref(a.link(), "an address");
                    if (named != a.link()) {
                        addresses.set(i, new Address(named, a.prefix(), a.scope()));
                    }
                }
            }
            if (changed.contains(StatePart.ROUTES)) {
                for (int i = 0; i < routes.size(); i++) {
                    Route r = routes.get(i);
                    LinkRef named = r.dev().isPresent() ? ref(r.dev().get(), "a route") : null;
                    if (named != null && named != r.dev().get()) {
                        routes.set(i, new Route(r.table(), r.type(), r.dst(), r.gateway(), Optional.of(named),
                                r.flags(), r.scope(), r.protocol(), r.prefsrc(), r.metric()));
                    }
                }
            }
            if (changed.contains(StatePart.NEIGHBORS)) {
                for (int i = 0; i < neighbors.size(); i++) {
                    Neighbor n = neighbors.get(i);
                    LinkRef named = ref(n.dev(), "a neighbor entry");
                    if (named != n.dev()) {
                        neighbors.set(i, new Neighbor(named, n.ip(), n.mac(), n.state()));
                    }
                }
            }
            if (changed.contains(StatePart.FDB)) {
                for (int i = 0; i < fdb.size(); i++) {
                    FdbEntry e = fdb.get(i);
                    LinkRef named = ref(e.dev(), "an FDB entry");
                    if (named != e.dev()) {
                        fdb.set(i, new FdbEntry(named, e.mac(), e.dst(), e.flags(), e.state()));
                    }
                }
            }
            checkRemovedAddresses();
            try {
                return new Applied(new NodeState(links, addresses, routes, neighbors, fdb, last.sysctls(),
                        last.networkManager(), last.firewall(), rules, last.udev()), changed);
            } catch (IllegalArgumentException e) {
                throw new Refusal("the events make no consistent state: " + e.getMessage());
            }
        }

        /**
         * The kernel flushes, without notifications, the routes whose preferred source was an address no device holds
         * any more, and every route through a device that lost its last IPv4 address.
         */
        private void checkRemovedAddresses() throws Refusal {
            if (removedAddresses == null) {
                return;
            }
            for (Address gone : removedAddresses) {
                boolean held = false;
                boolean deviceKeepsOne = false;
                for (Address a : addresses) {
                    held |= a.prefix().address().equals(gone.prefix().address());
                    deviceKeepsOne |= a.link().index() == gone.link().index();
                }
                for (Route r : routes) {
                    if (!held && r.prefsrc().filter(gone.prefix().address()::equals).isPresent()) {
                        throw new Refusal("address " + gone + " was removed while route " + r + " uses it");
                    }
                    if (!deviceKeepsOne && r.dev().filter(d -> d.index() == gone.link().index()).isPresent()) {
                        throw new Refusal("address " + gone + " was its device's last while route " + r
                                + " goes through it");
                    }
                }
            }
        }

        private Link named(Link l) throws Refusal {
            Optional<LinkRef> master = l.master().isEmpty() ? l.master()
                    : Optional.of(ref(l.master().get(), "the master of " + l.name()));
            Optional<VxlanInfo> vxlan = l.vxlan();
            if (vxlan.isPresent() && vxlan.get().underlay().isPresent()) {
                VxlanInfo v = vxlan.get();
                int underlay = v.underlay().get().index();
                int at = indexOfLink(underlay);
                // An underlay in another namespace is "ifN", as the dump names it.
                LinkRef named = at >= 0 ? links.get(at).ref() : new LinkRef(underlay, "if" + underlay);
                vxlan = Optional.of(new VxlanInfo(v.vni(), v.local(), v.port(), v.learning(), Optional.of(named)));
            }
            if (master.equals(l.master()) && vxlan.equals(l.vxlan())) {
                return l;
            }
            return new Link(l.index(), l.name(), l.kind(), l.mac(), l.mtu(), l.flags(), l.operState(), master, vxlan,
                    l.counters());
        }

        private LinkRef ref(LinkRef ref, String what) throws Refusal {
            int at = indexOfLink(ref.index());
            if (at < 0) {
                throw new Refusal(what + " names device index " + ref.index() + ", which the state does not have");
            }
            Link link = links.get(at);
            return link.name().equals(ref.name()) ? ref : link.ref();
        }
    }

    private static VxlanInfo withoutUnderlayName(VxlanInfo v) {
        return new VxlanInfo(v.vni(), v.local(), v.port(), v.learning(),
                v.underlay().map(u -> new LinkRef(u.index(), "")));
    }

    private static Link withCounters(Link l, Optional<dev.vxlab.detectors.state.LinkCounters> counters) {
        return l.counters().equals(counters) ? l : new Link(l.index(), l.name(), l.kind(), l.mac(), l.mtu(),
                l.flags(), l.operState(), l.master(), l.vxlan(), counters);
    }
}
