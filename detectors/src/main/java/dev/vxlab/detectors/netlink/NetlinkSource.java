package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.source.NmFactsSource;
import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.source.SnapshotSource;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NmFacts;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.RoutingRule;
import dev.vxlab.detectors.state.Sysctls;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Snapshots a network namespace through NETLINK_ROUTE dumps: the fast source. One snapshot is seven dumps on one
 * socket (links with IFLA_STATS64, IPv4 addresses, IPv4 routes of every table, IPv4 neighbors, the FDB of each vxlan
 * device, IPv4 netconf, IPv4 policy rules; four of them sent in one request), parsed straight from reused receive
 * buffers into the records of {@link dev.vxlab.detectors.state}, exactly as the contract in
 * {@link dev.vxlab.detectors.source} says, so it equals what {@link dev.vxlab.detectors.source.IpJsonSource} reads
 * from the same namespace. Each parser keeps the records of the last snapshot and reuses those whose bytes came again
 * (a {@link RecordCache}), and a list none of whose records changed is the last snapshot's list: a snapshot of an
 * unchanged namespace allocates next to nothing.
 *
 * <p>The socket is created inside the namespace (on a thread moved there with setns(2)) and stays bound to it, so
 * snapshots can be taken from any thread; one at a time (calls are serialized). When a dump is interrupted by a
 * change (NLM_F_DUMP_INTR), the socket overflows, or a dump names a device the link dump did not list, the whole
 * snapshot is taken again, a few times at most.
 */
public final class NetlinkSource implements SnapshotSource, AutoCloseable {
    static final int ATTEMPTS = 5;
    /**
     * Dumps sent in one request: the kernel starts each only when the one before ended, so the small ones whose
     * NLMSG_DONE shares their datagram come first, and last one whose DONE may come alone (the address dump's).
     */
    private static final DumpRequest[] TOGETHER = {DumpRequest.NETCONF, DumpRequest.RULES, DumpRequest.NEIGHBORS,
            DumpRequest.ADDRESSES};

    private final Arena arena;
    private final NetlinkSocket socket;
    private final Dumper dumper;
    private final NmFactsSource networkManager;
    private final boolean kernelFiltersFdb;
    private final String where;
    private final LinkParser links = new LinkParser();
    private final AddressParser addresses = new AddressParser();
    private final RouteParser routes = new RouteParser();
    private final NeighborParser neighbors = new NeighborParser();
    private final FdbParser fdb = new FdbParser();
    private final NetconfParser netconf = new NetconfParser();
    private final RuleParser rules = new RuleParser();
    private final MessageHandler[] togetherHandlers = {netconf, rules, neighbors, addresses};
    /** The last snapshot taken, to be handed back when nothing changed. */
    private NodeState lastState;
    private boolean closed;

    private NetlinkSource(Arena arena, NetlinkSocket socket, Datagrams datagrams, NmFactsSource networkManager,
                          boolean kernelFiltersFdb, String where) {
        this.arena = arena;
        this.socket = socket;
        this.networkManager = networkManager;
        this.kernelFiltersFdb = kernelFiltersFdb;
        this.where = where;
        this.dumper = new Dumper(datagrams, arena, where);
    }

    /**
     * A source for the network namespace behind the file ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}) that
     * does not look at NetworkManager.
     *
     * @throws SnapshotException when the namespace cannot be entered or the socket cannot be opened
     */
    public static NetlinkSource open(Path namespaceFile) throws SnapshotException {
        return open(namespaceFile, NmFactsSource.NOT_INSPECTED);
    }

    /**
     * A source for the network namespace behind the file, with NetworkManager's facts from the given source.
     *
     * @throws SnapshotException when the namespace cannot be entered or the socket cannot be opened
     */
    public static NetlinkSource open(Path namespaceFile, NmFactsSource networkManager) throws SnapshotException {
        return open(Objects.requireNonNull(namespaceFile, "namespaceFile"), networkManager, true,
                UnaryOperator.identity());
    }

    /** A source for the calling thread's network namespace (a real node's, outside any lab). */
    public static NetlinkSource openCurrentNamespace(NmFactsSource networkManager) throws SnapshotException {
        return open(null, networkManager, true, UnaryOperator.identity());
    }

    /**
     * The general form, for tests: {@code namespaceFile} null for the calling thread's namespace;
     * {@code strictChecking} false to dump as on kernels before 4.20 (no kernel-side filtering);
     * {@code interpose} wraps the socket (recording, replaying, injecting faults).
     */
    static NetlinkSource open(Path namespaceFile, NmFactsSource networkManager, boolean strictChecking,
                              UnaryOperator<Datagrams> interpose) throws SnapshotException {
        Objects.requireNonNull(networkManager, "networkManager");
        Arena arena = Arena.ofShared();
        NetlinkSocket socket = null;
        try {
            socket = namespaceFile == null ? NetlinkSocket.openHere(arena) : NetlinkSocket.openIn(namespaceFile, arena);
            String where = namespaceFile == null ? "the current network namespace"
                    : "network namespace " + namespaceFile;
            boolean strict = strictChecking && tryOption(socket, NetlinkSocket.NETLINK_GET_STRICT_CHK);
            tryOption(socket, NetlinkSocket.NETLINK_EXT_ACK); // error answers then carry the kernel's reason
            tryOption(socket, NetlinkSocket.NETLINK_CAP_ACK); // ... without echoing the request
            try {
                socket.setReceiveTimeout(Dumper.RECEIVE_TIMEOUT_SECONDS);
            } catch (SyscallFailure e) {
                throw new SnapshotException("cannot set a receive timeout on the netlink socket in " + where + ": "
                        + e.getMessage(), e);
            }
            return new NetlinkSource(arena, socket, interpose.apply(socket), networkManager, strict, where);
        } catch (SnapshotException | RuntimeException e) {
            if (socket != null) {
                socket.close();
            }
            arena.close();
            throw e;
        }
    }

    /** Turns a SOL_NETLINK flag on; false where the kernel does not know it (ENOPROTOOPT on old kernels). */
    private static boolean tryOption(NetlinkSocket socket, int option) {
        try {
            socket.setOption(NetlinkSocket.SOL_NETLINK, option, 1);
            return true;
        } catch (SyscallFailure e) {
            return false;
        }
    }

    @Override
    public synchronized NodeState snapshot() throws SnapshotException {
        if (closed) {
            throw new IllegalStateException("the netlink source for " + where + " is closed");
        }
        TornDumpException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return read();
            } catch (TornDumpException e) {
                last = e;
            }
        }
        throw new SnapshotException(where + " kept changing while it was dumped (" + ATTEMPTS
                + " attempts; the last failed because " + last.getMessage() + ")");
    }

    private NodeState read() throws SnapshotException, TornDumpException {
        links.clear();
        dumper.dump(DumpRequest.LINKS, 0, links);
        LinkTable table = links.table();
        links.links(table);

        netconf.reset(table);
        rules.reset();
        neighbors.reset(table);
        addresses.reset(table);
        dumper.dumpTogether(TOGETHER, togetherHandlers);
        routes.reset(table);
        dumper.dump(DumpRequest.ROUTES, 0, routes);
        fdb.reset(table);
        int[] vxlans = table.vxlanIndexes();
        if (kernelFiltersFdb) {
            for (int index : vxlans) { // the kernel skips every bridge port's entries for us
                dumper.dump(DumpRequest.FDB, index, fdb);
            }
        } else if (vxlans.length > 0) {
            dumper.dump(DumpRequest.FDB, 0, fdb);
        }
        List<Link> linkList = list(links.kept());
        List<Address> addressList = list(addresses.kept());
        List<Route> routeList = list(routes.kept());
        List<Neighbor> neighborList = list(neighbors.kept());
        List<FdbEntry> fdbList = list(fdb.kept());
        List<RoutingRule> ruleList = list(rules.kept());
        Sysctls sysctls = netconf.sysctls(where);
        NmFacts facts = networkManager.read();
        NodeState last = lastState;
        if (last != null && linkList == last.links() && addressList == last.addresses() && routeList == last.routes()
                && neighborList == last.neighbors() && fdbList == last.fdb() && ruleList == last.rules()
                && sysctls == last.sysctls() && facts.equals(last.networkManager())) {
            publish(last);
            return last; // nothing changed, not even a counter
        }
        NodeState state = new NodeState(linkList, addressList, routeList, neighborList, fdbList, sysctls, facts,
                dev.vxlab.detectors.firewall.Ruleset.NOT_INSPECTED, ruleList);
        publish(state);
        lastState = state;
        return state;
    }

    /** Hands the snapshot's lists to the parsers, which pass them on next time when nothing in them changed. */
    private void publish(NodeState state) {
        links.kept().publish(state.links());
        addresses.kept().publish(state.addresses());
        routes.kept().publish(state.routes());
        neighbors.kept().publish(state.neighbors());
        fdb.kept().publish(state.fdb());
        rules.kept().publish(state.rules());
    }

    /** The last snapshot's list when the dump kept exactly its records (the snapshot then takes it as it is). */
    private static <R> List<R> list(RecordCache<R> kept) {
        List<R> unchanged = kept.unchangedList();
        return unchanged != null ? unchanged : kept.records();
    }

    /** Closes the socket; a snapshot afterwards is an error. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            socket.close();
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "NetlinkSource[" + where + (kernelFiltersFdb ? ", strict" : "") + "]";
    }
}
