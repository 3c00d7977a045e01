package dev.vxlab.detectors.state;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.ListIterator;
import java.util.Objects;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * An immutable snapshot of one node's IPv4 dataplane: every link, address, route of every table, neighbor entry,
 * the FDB of the VXLAN devices, the sysctls that matter, and what NetworkManager is configured to do.
 *
 * <p>The lists are sorted into a canonical order on construction (links by index; addresses, neighbors and FDB entries
 * by device then address; routes by table, destination, metric, ...), so two sources that read the same namespace
 * build EQUAL snapshots. Counters are part of equality: compare {@link #withoutCounters()} when that is not wanted.
 *
 * @param links       every link, in index order
 * @param addresses   the IPv4 addresses of every link
 * @param routes      the IPv4 routes of every table (local, main, and any other)
 * @param neighbors   the IPv4 neighbor entries of every device, NOARP and NONE ones included
 * @param fdb         the forwarding-database entries of the devices of kind vxlan (only those)
 * @param sysctls     forwarding and reverse-path filtering
 * @param networkManager NetworkManager's facts, or {@link NmFacts#NOT_INSPECTED}
 * @param firewall    the node's nftables ruleset, or {@link dev.vxlab.detectors.firewall.Ruleset#NOT_INSPECTED}
 * @param rules       the IPv4 policy routing rules in the kernel's order ({@link RoutingRule#DEFAULTS} in a namespace
 *                    nobody changed them in, and in snapshots built without them)
 * @param udev        the node's machine id and .link files, or {@link UdevFacts#NOT_INSPECTED}
 */
public record NodeState(List<Link> links, List<Address> addresses, List<Route> routes, List<Neighbor> neighbors,
                        List<FdbEntry> fdb, Sysctls sysctls, NmFacts networkManager,
                        dev.vxlab.detectors.firewall.Ruleset firewall, List<RoutingRule> rules, UdevFacts udev) {

    /** A snapshot whose firewall nobody read (the sources of the dataplane do not read nftables). */
    public NodeState(List<Link> links, List<Address> addresses, List<Route> routes, List<Neighbor> neighbors,
            List<FdbEntry> fdb, Sysctls sysctls, NmFacts networkManager) {
        this(links, addresses, routes, neighbors, fdb, sysctls, networkManager,
                dev.vxlab.detectors.firewall.Ruleset.NOT_INSPECTED, RoutingRule.DEFAULTS, UdevFacts.NOT_INSPECTED);
    }

    /** A snapshot with the default policy rules (code that predates rules in the snapshot) and no udev facts. */
    public NodeState(List<Link> links, List<Address> addresses, List<Route> routes, List<Neighbor> neighbors,
            List<FdbEntry> fdb, Sysctls sysctls, NmFacts networkManager,
            dev.vxlab.detectors.firewall.Ruleset firewall) {
        this(links, addresses, routes, neighbors, fdb, sysctls, networkManager, firewall, RoutingRule.DEFAULTS,
                UdevFacts.NOT_INSPECTED);
    }

    /** A snapshot whose udev facts nobody read (the dataplane's sources do not read them). */
    public NodeState(List<Link> links, List<Address> addresses, List<Route> routes, List<Neighbor> neighbors,
            List<FdbEntry> fdb, Sysctls sysctls, NmFacts networkManager,
            dev.vxlab.detectors.firewall.Ruleset firewall, List<RoutingRule> rules) {
        this(links, addresses, routes, neighbors, fdb, sysctls, networkManager, firewall, rules,
                UdevFacts.NOT_INSPECTED);
    }

    /** A snapshot with the default policy rules and the node's udev facts. */
    public NodeState(List<Link> links, List<Address> addresses, List<Route> routes, List<Neighbor> neighbors,
            List<FdbEntry> fdb, Sysctls sysctls, NmFacts networkManager,
            dev.vxlab.detectors.firewall.Ruleset firewall, UdevFacts udev) {
        this(links, addresses, routes, neighbors, fdb, sysctls, networkManager, firewall, RoutingRule.DEFAULTS, udev);
    }

    /** The same snapshot with other policy routing rules. */
    public NodeState withRules(List<RoutingRule> newRules) {
        return new NodeState(links, addresses, routes, neighbors, fdb, sysctls, networkManager, firewall, newRules,
                udev);
    }

    /** The same snapshot with the node's udev facts read beside it. */
    public NodeState withUdev(UdevFacts facts) {
        return new NodeState(links, addresses, routes, neighbors, fdb, sysctls, networkManager, firewall, rules, facts);
    }

    /** The same snapshot with the node's nftables ruleset read beside it. */
    public NodeState withFirewall(dev.vxlab.detectors.firewall.Ruleset ruleset) {
        return new NodeState(links, addresses, routes, neighbors, fdb, sysctls, networkManager, ruleset, rules, udev);
    }

    /** Links by index. */
    private static final Comparator<Link> LINK_ORDER = Comparator.comparingInt(Link::index);

    public NodeState {
        // A list another snapshot made was checked then: only a new one is.
        boolean newLinks = !(links instanceof Canonical<?> c && c.order == LINK_ORDER);
        links = sorted(links, LINK_ORDER);
        addresses = sorted(addresses, Address.ORDER);
        routes = sorted(routes, Route.ORDER);
        neighbors = sorted(neighbors, Neighbor.ORDER);
        fdb = sorted(fdb, FdbEntry.ORDER);
        rules = sorted(rules, RoutingRule.ORDER);
        Objects.requireNonNull(sysctls, "sysctls");
        Objects.requireNonNull(networkManager, "networkManager");
        Objects.requireNonNull(firewall, "firewall");
        Objects.requireNonNull(udev, "udev");
        if (newLinks) {
            requireDistinct(links);
        }
    }

    private static void requireDistinct(List<Link> links) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < links.size(); i++) {
            Link link = links.get(i);
            if (i > 0 && links.get(i - 1).index() == link.index()) {
                throw new IllegalArgumentException("two links have index " + link.index());
            }
            if (!names.add(link.name())) {
                throw new IllegalArgumentException("two links are named " + link.name());
            }
        }
    }

    /**
     * One copy; the sort is skipped when the list is already in order (a source that reads in canonical order), and
     * the copy too when the list is one a snapshot made (a source that passes the last snapshot's list on when
     * nothing in it changed).
     */
    @SuppressWarnings("unchecked")
    private static <T> List<T> sorted(List<T> list, Comparator<? super T> order) {
        if (list instanceof Canonical<?> c && c.order == order) {
            return list;
        }
        Object[] items = Objects.requireNonNull(list).toArray();
        boolean inOrder = true;
        for (int i = 0; i < items.length; i++) {
            Objects.requireNonNull(items[i]);
            if (inOrder && i > 0 && order.compare((T) items[i - 1], (T) items[i]) > 0) {
                inOrder = false;
            }
        }
        if (!inOrder) {
            Arrays.sort(items, (Comparator<Object>) order);
        }
        return new Canonical<>((T[]) items, order);
    }

    /** A list a snapshot made: sorted by {@code order}, checked, and unmodifiable, so a snapshot can take it as is. */
    private static final class Canonical<T> extends AbstractList<T> implements RandomAccess {
        private final T[] items;
        private final Comparator<?> order;
        /** Iterators and sub-lists come from here, so they refuse changes as the list does. */
        private final List<T> view;

        Canonical(T[] items, Comparator<?> order) {
            this.items = items;
            this.order = order;
            this.view = Collections.unmodifiableList(Arrays.asList(items));
        }

        @Override
        public Iterator<T> iterator() {
            return view.iterator();
        }

        @Override
        public ListIterator<T> listIterator(int index) {
            return view.listIterator(index);
        }

        @Override
        public List<T> subList(int fromIndex, int toIndex) {
            return view.subList(fromIndex, toIndex);
        }

        @Override
        public T get(int index) {
            return items[index];
        }

        @Override
        public int size() {
            return items.length;
        }

        @Override
        public Object[] toArray() {
            return items.clone();
        }

        // Unmodifiable as Collections.unmodifiableList is: every change throws, even one that would change nothing.
        @Override
        public boolean addAll(Collection<? extends T> c) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean addAll(int index, Collection<? extends T> c) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean remove(Object o) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean removeAll(Collection<?> c) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean retainAll(Collection<?> c) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean removeIf(Predicate<? super T> filter) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void replaceAll(UnaryOperator<T> operator) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sort(Comparator<? super T> c) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void clear() {
            throw new UnsupportedOperationException();
        }
    }

    public Optional<Link> link(String name) {
        return links.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    public Optional<Link> link(int index) {
        return links.stream().filter(l -> l.index() == index).findFirst();
    }

    /** The links of a kind, e.g. every "vxlan" device. */
    public List<Link> linksOfKind(String kind) {
        return links.stream().filter(l -> l.isKind(kind)).toList();
    }

    /** The ports of a bridge: the links whose master is the named link. */
    public List<Link> portsOf(String master) {
        return links.stream().filter(l -> l.master().filter(m -> m.name().equals(master)).isPresent()).toList();
    }

    public List<Address> addressesOf(String linkName) {
        return addresses.stream().filter(a -> a.link().name().equals(linkName)).toList();
    }

    /** The routes of one table, e.g. {@link Route#TABLE_MAIN} or {@link Route#TABLE_LOCAL}. */
    public List<Route> routesIn(int table) {
        return routes.stream().filter(r -> r.table() == table).toList();
    }

    /** The routes whose output device is the named link. */
    public List<Route> routesVia(String dev) {
        return routes.stream().filter(r -> r.dev().filter(d -> d.name().equals(dev)).isPresent()).toList();
    }

    public List<Neighbor> neighborsOf(String dev) {
        return neighbors.stream().filter(n -> n.dev().name().equals(dev)).toList();
    }

    public List<FdbEntry> fdbOf(String dev) {
        return fdb.stream().filter(e -> e.dev().name().equals(dev)).toList();
    }

    /**
     * This snapshot with every link's counters dropped: the part of the state that only changes when someone changes
     * the configuration. Two sources read at slightly different moments agree on this, not on the counters.
     */
    public NodeState withoutCounters() {
        return new NodeState(links.stream().map(Link::withoutCounters).toList(), addresses, routes, neighbors, fdb,
                sysctls, networkManager, firewall, rules, udev);
    }
}
