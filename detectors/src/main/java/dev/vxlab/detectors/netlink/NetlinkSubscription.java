package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.source.NmFactsSource;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.LinkRef;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Listens to a network namespace's rtnetlink notifications (groups RTNLGRP_LINK, RTNLGRP_NEIGH, RTNLGRP_IPV4_IFADDR,
 * RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV4_RULE and RTNLGRP_IPV4_NETCONF) and hands them out as {@link ChangeEvent}s, so a watcher snapshots
 * again only when something changed, and each event carries the changed object as the snapshot's parsers read it
 * (see {@link ChangeEvent}). When the socket overflows, an {@link ChangeEvent.Overrun} says that
 * notifications were lost and everything must be read again; it replaces the events still queued, and the events
 * after it are changes made after it.
 *
 * <p>For one consumer thread: {@link #next} blocks that thread until a notification, its timeout, an interrupt or a
 * {@link #wakeUp} (poll(2) on the socket and an eventfd, so an idle wait never wakes by itself); close it from the same
 * thread, or once the consumer stopped. {@link #wakeUp} is for any thread.
 */
public final class NetlinkSubscription implements AutoCloseable {
    private static final int RTMGRP_LINK = 1;              // 1 << (RTNLGRP_LINK - 1)
    private static final int RTMGRP_NEIGH = 1 << 2;        // RTNLGRP_NEIGH = 3
    private static final int RTMGRP_IPV4_IFADDR = 1 << 4;  // RTNLGRP_IPV4_IFADDR = 5
    private static final int RTMGRP_IPV4_ROUTE = 1 << 6;   // RTNLGRP_IPV4_ROUTE = 7
    private static final int RTMGRP_IPV4_RULE = 1 << 7;    // RTNLGRP_IPV4_RULE = 8
    private static final int RTMGRP_IPV4_NETCONF = 1 << 23; // RTNLGRP_IPV4_NETCONF = 24
    /** What a subscription asks for; the kernel caps it at net.core.rmem_max. */
    static final int RECEIVE_BUFFER_BYTES = 4 << 20;
    /** ndm_flags' NTF_PROXY: a proxy neighbor entry. */
    private static final int NTF_PROXY = 0x08;
    /** Bounds the emptying of an overflowed queue while changes keep pouring in. */
    private static final int MAX_DRAINED_DATAGRAMS = 100_000;

    private final Arena arena;
    private final NetlinkSocket socket;
    /** Written by {@link #wakeUp} and by an interrupt of the waiting thread: ends its poll(2). */
    private final EventFd wake;
    private final String where;
    private final MemorySegment buffer;
    private final Deque<ChangeEvent> pending = new ArrayDeque<>();
    private final Attributes attrs = new Attributes(RouteParser.RTA_TABLE);
    private final LinkParser linkParser = new LinkParser();
    private final AddressParser addressParser = new AddressParser();
    private final RouteParser routeParser = new RouteParser();
    private final NeighborParser neighborParser = new NeighborParser();
    private final FdbParser fdbParser = new FdbParser();
    private final RuleParser ruleParser = new RuleParser();
    /** The devices' names by index (from a snapshot, then from link events), for the records' device references. */
    private final Map<Integer, String> names = new HashMap<>();
    private boolean closed;

    private NetlinkSubscription(Arena arena, NetlinkSocket socket, EventFd wake, String where) {
        this.arena = arena;
        this.socket = socket;
        this.wake = wake;
        this.where = where;
        this.buffer = arena.allocate(Dumper.BUFFER_BYTES, 8);
    }

    /**
     * Listens in the network namespace behind the file ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}).
     *
     * @throws SnapshotException when the namespace cannot be entered or the socket cannot be opened
     */
    public static NetlinkSubscription open(Path namespaceFile) throws SnapshotException {
        return open(Objects.requireNonNull(namespaceFile, "namespaceFile"), RECEIVE_BUFFER_BYTES);
    }

    /** Listens in the calling thread's network namespace. */
    public static NetlinkSubscription openCurrentNamespace() throws SnapshotException {
        return open(null, RECEIVE_BUFFER_BYTES);
    }

    /** With a chosen receive buffer (tests make it tiny to force an overrun); a null file is the current namespace. */
    static NetlinkSubscription open(Path namespaceFile, int receiveBufferBytes) throws SnapshotException {
        Arena arena = Arena.ofShared();
        NetlinkSocket socket = null;
        EventFd wake = null;
        String where = namespaceFile == null ? "the current network namespace" : "network namespace " + namespaceFile;
        try {
            socket = namespaceFile == null ? NetlinkSocket.openHere(arena) : NetlinkSocket.openIn(namespaceFile, arena);
            socket.setOption(NetlinkSocket.SOL_SOCKET, NetlinkSocket.SO_RCVBUF, receiveBufferBytes);
            socket.bindGroups(RTMGRP_LINK | RTMGRP_NEIGH | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE
                    | RTMGRP_IPV4_RULE | RTMGRP_IPV4_NETCONF);
            wake = EventFd.open(arena);
            NetlinkSubscription subscription = new NetlinkSubscription(arena, socket, wake, where);
            subscription.learnNames(namespaceFile);
            return subscription;
        } catch (SyscallFailure e) {
            if (socket != null) {
                socket.close();
            }
            if (wake != null) {
                wake.close();
            }
            arena.close();
            throw new SnapshotException("cannot subscribe to rtnetlink notifications in " + where + ": "
                    + e.getMessage(), e);
        } catch (SnapshotException | RuntimeException e) {
            if (socket != null) {
                socket.close();
            }
            if (wake != null) {
                wake.close();
            }
            arena.close();
            throw e;
        }
    }

    /**
     * Names the devices of the namespace from one snapshot taken after the subscription began, so that records name
     * them from the first event on; the link events queued meanwhile are later, and keep the names up to date. Only a
     * convenience ({@link StateDeltas} names devices from its own state): a namespace changing too fast to snapshot
     * leaves the names to the link events.
     */
    private void learnNames(Path namespaceFile) throws SnapshotException {
        try (NetlinkSource source = NetlinkSource.open(namespaceFile, NmFactsSource.NOT_INSPECTED, true,
                UnaryOperator.identity())) {
            List<Link> links;
            try {
                links = source.snapshot().links();
            } catch (SnapshotException e) {
                return;
            }
            for (Link link : links) {
                names.put(link.index(), link.name());
            }
        }
    }

    /**
     * The next change, waiting for it at most the timeout.
     *
     * @return the event, or empty when nothing changed within the timeout or {@link #wakeUp} was called
     * @throws InterruptedException when the waiting thread is interrupted (before or while it waits)
     * @throws SnapshotException when the socket fails
     */
    public Optional<ChangeEvent> next(Duration timeout) throws SnapshotException, InterruptedException {
        if (closed) {
            throw new IllegalStateException("the subscription to " + where + " is closed");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ChangeEvent event = pending.poll();
            if (event != null) {
                return Optional.of(event);
            }
            if (readQueued()) {
                continue;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for changes in " + where);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            if (await((int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000))) {
                return Optional.empty(); // woken up
            }
        }
    }

    /**
     * Makes the {@link #next} waiting now, or the next one to wait, return at once (empty, unless events are queued).
     * For any thread; does nothing once closed.
     */
    public void wakeUp() {
        wake.signal();
    }

    /**
     * One poll(2) on the socket and the eventfd, rounded up to whole milliseconds so the deadline is not woken for
     * twice. An interrupt of this thread signals the eventfd (through {@link Interruptor}): whether the eventfd woke
     * it, not counting an interrupt, which throws.
     */
    private boolean await(int millis) throws SnapshotException, InterruptedException {
        Interruptor interruptor = new Interruptor();
        int ready;
        try {
            interruptor.waitBegins();
            ready = socket.poll(wake.fd(), millis);
        } catch (SyscallFailure e) {
            throw new SnapshotException("cannot wait for rtnetlink notifications in " + where + ": "
                    + e.getMessage(), e);
        } finally {
            interruptor.waitEnds();
        }
        boolean woken = (ready & NetlinkSocket.OTHER_READY) != 0 && wake.drain();
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while waiting for changes in " + where);
        }
        return woken;
    }

    /**
     * Thread.interrupt() cannot end a poll(2) in a downcall, but it does close the interruptible channel its thread is
     * blocked on (the NIO hook, {@code begin}/{@code end}): this one's closing only signals the eventfd. One per wait,
     * as a closed channel stays closed.
     */
    private final class Interruptor extends java.nio.channels.spi.AbstractInterruptibleChannel {
        void waitBegins() {
            begin(); // signals at once when the thread is already interrupted
        }

        void waitEnds() {
            try {
                end(true);
            } catch (java.nio.channels.AsynchronousCloseException e) {
                // interrupted (ClosedByInterruptException): the interrupt flag is still set, next() throws
            }
        }

        @Override
        protected void implCloseChannel() {
            wake.signal();
        }
    }

    /** Reads one queued datagram into events, if there is one. */
    private boolean readQueued() throws SnapshotException {
        long n;
        try {
            n = socket.receive(buffer, false);
        } catch (SyscallFailure e) {
            if (e.errno() == SyscallFailure.EAGAIN) {
                return false;
            }
            if (e.errno() == SyscallFailure.ENOBUFS) {
                overrun();
                return true;
            }
            throw new SnapshotException("cannot receive rtnetlink notifications in " + where + ": "
                    + e.getMessage(), e);
        }
        if (n > buffer.byteSize()) { // cut short: what it said is lost
            overrun();
            return true;
        }
        for (long at = 0; at + Nlmsg.HDRLEN <= n; ) {
            long len = Wire.u32(buffer, at + Nlmsg.LEN);
            if (len < Nlmsg.HDRLEN || at + len > n) {
                break;
            }
            ChangeEvent event = event(Wire.u16(buffer, at + Nlmsg.TYPE), at, at + len);
            if (event != null) {
                pending.add(event);
            }
            at += Wire.align(len);
        }
        return true;
    }

    /**
     * Notifications were lost. The kernel reports ENOBUFS once and then drops further notifications silently until
     * the queue is empty, so the queue is emptied now: a re-dump the consumer starts after seeing the Overrun cannot
     * miss a change that follows it. What was queued or pending is superseded by that re-dump.
     */
    private void overrun() throws SnapshotException {
        pending.clear();
        for (int datagrams = 0; datagrams < MAX_DRAINED_DATAGRAMS; datagrams++) {
            try {
                socket.receive(buffer, false);
            } catch (SyscallFailure e) {
                if (e.errno() == SyscallFailure.EAGAIN) {
                    break;
                }
                if (e.errno() != SyscallFailure.ENOBUFS) {
                    throw new SnapshotException("cannot receive rtnetlink notifications in " + where + ": "
                            + e.getMessage(), e);
                }
            }
        }
        pending.add(new ChangeEvent.Overrun());
    }

    /** The event a notification stands for, or null for one the snapshot does not cover (IPv6 neighbors, ...). */
    private ChangeEvent event(int type, long message, long end) {
        MemorySegment m = buffer;
        long body = message + Nlmsg.HDRLEN;
        return switch (type) {
            case Rtm.NEWLINK, Rtm.DELLINK -> {
                attrs.parse(m, body + LinkParser.IFINFOMSG_SIZE, end);
                int index = Wire.i32(m, body + LinkParser.IFI_INDEX);
                String name = attrs.has(LinkParser.IFLA_IFNAME) ? attrs.string(LinkParser.IFLA_IFNAME) : "";
                int master = attrs.i32(LinkParser.IFLA_MASTER, 0);
                if (type == Rtm.DELLINK) {
                    names.remove(index);
                } else if (!name.isEmpty()) {
                    names.put(index, name);
                }
                yield new ChangeEvent.LinkChanged(index, name, type == Rtm.DELLINK,
                        decoded(() -> {
                            linkParser.clear();
                            linkParser.accept(m, message, end);
                            return linkParser.links(table(index, name, master)).getFirst();
                        }));
            }
            case Rtm.NEWADDR, Rtm.DELADDR -> {
                if (Wire.u8(m, body + AddressParser.IFA_FAMILY) != Nlmsg.AF_INET) {
                    yield null;
                }
                attrs.parse(m, body + AddressParser.IFADDRMSG_SIZE, end);
                int key = attrs.isIpv4(AddressParser.IFA_LOCAL) ? AddressParser.IFA_LOCAL : AddressParser.IFA_ADDRESS;
                Ipv4 address = new Ipv4(attrs.isIpv4(key) ? attrs.ipv4(key) : 0);
                int index = Wire.i32(m, body + AddressParser.IFA_INDEX);
                yield new ChangeEvent.AddressChanged(index,
                        new Ipv4Prefix(address, Wire.u8(m, body + AddressParser.IFA_PREFIXLEN)), type == Rtm.DELADDR,
                        decoded(() -> {
                            addressParser.reset(table(index, null, 0));
                            addressParser.accept(m, message, end);
                            return addressParser.addresses().getFirst();
                        }));
            }
            case Rtm.NEWROUTE, Rtm.DELROUTE -> {
                if (Wire.u8(m, body + RouteParser.RTM_FAMILY) != Nlmsg.AF_INET) {
                    yield null;
                }
                attrs.parse(m, body + RouteParser.RTMSG_SIZE, end);
                Ipv4 dst = new Ipv4(attrs.isIpv4(RouteParser.RTA_DST) ? attrs.ipv4(RouteParser.RTA_DST) : 0);
                int oif = attrs.i32(RouteParser.RTA_OIF, 0);
                yield new ChangeEvent.RouteChanged(
                        attrs.i32(RouteParser.RTA_TABLE, Wire.u8(m, body + RouteParser.RTM_TABLE)),
                        new Ipv4Prefix(dst, Wire.u8(m, body + RouteParser.RTM_DST_LEN)), type == Rtm.DELROUTE,
                        decoded(() -> {
                            routeParser.reset(table(oif, null, 0));
                            routeParser.accept(m, message, end);
                            return routeParser.routes().getFirst();
                        }));
            }
            case Rtm.NEWNEIGH, Rtm.DELNEIGH -> {
                int family = Wire.u8(m, body + NeighborParser.NDM_FAMILY);
                int index = Wire.i32(m, body + NeighborParser.NDM_IFINDEX);
                boolean removed = type == Rtm.DELNEIGH;
                if (family == Nlmsg.AF_INET && (Wire.u8(m, body + NeighborParser.NDM_FLAGS) & NTF_PROXY) != 0) {
                    yield null; // a proxy ARP entry: the snapshot's neighbor dump leaves them out
                }
                if (family == Nlmsg.AF_INET) {
                    yield new ChangeEvent.NeighborChanged(index, false, removed, decoded(() -> {
                        neighborParser.reset(table(index, null, 0));
                        neighborParser.accept(m, message, end);
                        return neighborParser.neighbors().getFirst();
                    }), Optional.empty());
                }
                yield family == Nlmsg.AF_BRIDGE ? new ChangeEvent.NeighborChanged(index, true, removed,
                        Optional.empty(), decoded(() -> {
                            fdbParser.reset(table(index, null, 0));
                            fdbParser.accept(m, message, end);
                            return fdbParser.entries().getFirst();
                        })) : null;
            }
            case Rtm.NEWRULE, Rtm.DELRULE -> {
                if (Wire.u8(m, body) != Nlmsg.AF_INET) { // fib_rule_hdr starts with the family
                    yield null;
                }
                attrs.parse(m, body + RuleParser.FIB_RULE_HDR_SIZE, end);
                yield new ChangeEvent.RuleChanged(attrs.u32(RuleParser.FRA_PRIORITY, 0), type == Rtm.DELRULE,
                        decoded(() -> {
                            ruleParser.reset();
                            ruleParser.accept(m, message, end);
                            return ruleParser.rules().getFirst();
                        }));
            }
            case Rtm.NEWNETCONF, Rtm.DELNETCONF -> {
                if (Wire.u8(m, body) != Nlmsg.AF_INET) { // netconfmsg: the family alone
                    yield null;
                }
                attrs.parse(m, body + NetconfParser.NETCONFMSG_SIZE, end);
                yield attrs.has(NetconfParser.NETCONFA_IFINDEX)
                        ? new ChangeEvent.SysctlChanged(attrs.i32(NetconfParser.NETCONFA_IFINDEX, 0)) : null;
            }
            default -> null;
        };
    }

    /** A parser's reading of one notification. */
    @FunctionalInterface
    private interface Decoding<T> {
        T read() throws TornDumpException;
    }

    /**
     * The record a parser reads from the notification, or empty when it reads none (a neighbor without an IPv4
     * destination, an FDB entry without a MAC) or cannot read it: either way only a snapshot says what changed.
     */
    private static <T> Optional<T> decoded(Decoding<T> decoding) {
        try {
            return Optional.of(decoding.read());
        } catch (TornDumpException | IllegalArgumentException | java.util.NoSuchElementException e) {
            return Optional.empty();
        }
    }

    /**
     * The devices one notification names, for its parser: the device itself and its master, named as last heard
     * ({@code ifN} for a device the subscription never heard of). Every device counts as vxlan here so that the FDB
     * parser keeps every entry; {@link StateDeltas} keeps those of the vxlan devices, as the snapshot's dump does.
     */
    private LinkTable table(int index, String name, int master) {
        if (index <= 0) {
            return new LinkTable(new int[0], new LinkRef[0], new boolean[0]);
        }
        LinkRef self = new LinkRef(index, name != null && !name.isEmpty() ? name : nameOf(index));
        if (master <= 0 || master == index) {
            return new LinkTable(new int[] {index}, new LinkRef[] {self}, new boolean[] {true});
        }
        LinkRef other = new LinkRef(master, nameOf(master));
        return master < index
                ? new LinkTable(new int[] {master, index}, new LinkRef[] {other, self}, new boolean[] {true, true})
                : new LinkTable(new int[] {index, master}, new LinkRef[] {self, other}, new boolean[] {true, true});
    }

    private String nameOf(int index) {
        String name = names.get(index);
        return name != null ? name : "if" + index;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            socket.close();
            wake.close();
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "NetlinkSubscription[" + where + "]";
    }
}
