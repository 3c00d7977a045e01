package dev.vxlab.detectors.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.firewall.Ruleset;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.LinkRef;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.RoutingRule;
import dev.vxlab.detectors.state.Scope;
import dev.vxlab.detectors.state.VxlanInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which nodes the model cannot tell apart, so that a connectivity matrix walks one conversation per class of
 * equivalent flows instead of n x (n - 1).
 *
 * <p>Two nodes A and A' are interchangeable when swapping their identities - names, their own address blocks (an
 * exclusive subnet such as the pod CIDR, else the /32 of an address), their MACs (their devices', and foreign MACs
 * only their own snapshot mentions) - maps the whole set of snapshots onto itself: an automorphism of the model's
 * input. The walk is a deterministic function of that input, so the walk of a flow and of its image under the swap
 * end alike (delivered or dropped at the corresponding place). The check is exact, never heuristic:
 * <ul>
 * <li>every snapshot is split, per node it mentions, into the entries that mention that node's identifiers
 * (relation forms: routes, neighbors, FDB entries with the subject's addresses and MACs as placeholders, the
 * observer's own as placeholders too) and the rest (the node's self form: devices by position, its own blocks and
 * MACs as placeholders, everything else literal);
 * <li>A and A' are interchangeable when their self forms are equal, every snapshot relates to A as to A'
 * (same observer), A relates to every other node as A' does, and A and A' relate to each other alike. A node is
 * "typical" when every observer relates to it by that observer's reference form and it relates to every node by
 * that node's reference form; typical nodes with equal self forms and reference forms satisfy all four conditions;
 * <li>anything the forms cannot rename soundly makes the nodes it touches singletons (walked as themselves): pods
 * attached to a node, an address or device MAC two namespaces share, a prefix that covers some nodes' blocks but not
 * all alike, entries that collide on a lookup key, and firewall or rule literals inside a node's block.
 * </ul>
 * Costs one pass over every snapshot entry; the matrix then walks one flow per class of (source, destination block
 * offset, transfer).
 */
final class NodeSymmetry {
    private static final long ABSENT = -1L;
    private static final long OBSERVER = 1L;
    private static final long SUBJECT = 2L;
    private static final List<Object> NO_RELATION = List.of();
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private static final Pattern MAC = Pattern.compile("(?i)[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    /** A block of addresses one candidate owns exclusively: its {@code index}th, by network. */
    private record Block(int owner, int index, int network, int length) {
        long start() {
            return Integer.toUnsignedLong(network);
        }

        long end() {
            return start() + (1L << (32 - length)) - 1;
        }
    }

    /** What equal keys share: one walk answers for every flow with the key. */
    record FlowKey(int sourceClass, String source, int destinationClass, int block, long destination, boolean toSelf,
                   Transfer transfer) {}

    private final List<String> candidates = new ArrayList<>();
    private final Map<String, Integer> candidateIndex = new HashMap<>();
    private final boolean[] excluded;
    private final int[] classOf;
    private final List<List<Block>> blocksOf = new ArrayList<>();
    private final Map<Integer, BlockTable> blocksByLength = new HashMap<>();
    private BlockTable[] tables;
    private final int[] lengths;
    private final List<long[]> startsByIndex = new ArrayList<>();
    private final List<List<Block>> sortedByIndex = new ArrayList<>();
    private final MacTable macOwner = new MacTable();
    private final Map<List<Object>, List<Object>> interned = new HashMap<>();
    private final Map<Long, int[]> coverage = new HashMap<>();

    private NodeSymmetry(Map<String, NodeState> nodes, Map<String, NodeState> pods, List<PodAttachment> attachments) {
        Set<String> withPods = new HashSet<>();
        attachments.forEach(a -> withPods.add(a.node()));
        Map<String, NodeState> all = new LinkedHashMap<>(nodes);
        all.putAll(pods);
        for (String node : nodes.keySet()) {
            if (!withPods.contains(node)) {
                candidateIndex.put(node, candidates.size());
                candidates.add(node);
            }
        }
        int m = candidates.size();
        excluded = new boolean[m];
        classOf = new int[m];
        findBlocks(all);
        indexBlocks();
        lengths = blocksByLength.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        tables = Arrays.stream(lengths).mapToObj(blocksByLength::get).toArray(BlockTable[]::new);
        findMacs(all);
        Object[][] relations = new Object[all.size()][];
        Object[] selves = new Object[m];
        int[] observerOf = new int[m];
        int ox = 0;
        for (Map.Entry<String, NodeState> e : all.entrySet()) {
            Integer cx = candidateIndex.get(e.getKey());
            Object[] row = new Object[m];
            Object self = relate(e.getValue(), cx == null ? -1 : cx, row);
            relations[ox] = row;
            if (cx != null) {
                selves[cx] = self;
                observerOf[cx] = ox;
            }
            ox++;
        }
        classify(relations, selves, observerOf);
    }

    static NodeSymmetry of(Map<String, NodeState> nodes, Map<String, NodeState> pods, List<PodAttachment> attachments) {
        return new NodeSymmetry(nodes, pods, attachments);
    }

    /** Whether the node has a class shared with other nodes (false for singletons and unknown keys). */
    boolean interchangeable(String node) {
        Integer c = candidateIndex.get(node);
        return c != null && classOf[c] >= 0;
    }

    /** Equal keys: flows an automorphism of the snapshots maps onto each other, so their conversations end alike. */
    FlowKey keyOf(Flow flow) {
        Integer src = candidateIndex.get(flow.source());
        int sourceClass = src == null ? -1 : classOf[src];
        String source = sourceClass < 0 ? flow.source() : null;
        Block block = blockOf(flow.destination().bits());
        if (block == null || classOf[block.owner()] < 0) {
            return new FlowKey(sourceClass, source, -1, -1, Integer.toUnsignedLong(flow.destination().bits()),
                    false, flow.transfer());
        }
        return new FlowKey(sourceClass, source, classOf[block.owner()], block.index(),
                Integer.toUnsignedLong(flow.destination().bits() - block.network()),
                src != null && src == block.owner(), flow.transfer());
    }

    /** The candidate will be walked as itself: something about it cannot be renamed soundly. */
    private void exclude(int c) {
        excluded[c] = true;
    }

    // ---- identifiers: blocks and MACs ------------------------------------------------------------------------------

    /**
     * Each candidate's blocks: the subnet of each of its addresses (loopback devices aside) when no other namespace
     * has an address in it, else the address alone; a candidate one of whose addresses another namespace also holds
     * is a singleton.
     */
    private void findBlocks(Map<String, NodeState> all) {
        List<long[]> held = new ArrayList<>(); // {address, namespace}
        int ns = 0;
        Map<String, Integer> nsIndex = new HashMap<>();
        for (Map.Entry<String, NodeState> e : all.entrySet()) {
            nsIndex.put(e.getKey(), ns);
            for (Address a : e.getValue().addresses()) {
                held.add(new long[] {Integer.toUnsignedLong(a.prefix().address().bits()), ns});
            }
            ns++;
        }
        held.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        long[] addresses = held.stream().mapToLong(h -> h[0]).toArray();
        long[] holders = held.stream().mapToLong(h -> h[1]).toArray();
        for (int c = 0; c < candidates.size(); c++) {
            NodeState state = all.get(candidates.get(c));
            int self = nsIndex.get(candidates.get(c));
            List<Ipv4Prefix> own = new ArrayList<>();
            for (Address a : state.addresses()) {
                if (onLoopback(state, a.link())) {
                    continue;
                }
                Ipv4Prefix subnet = a.prefix().canonical();
                if (othersHold(addresses, holders, self, subnet)) {
                    subnet = new Ipv4Prefix(a.prefix().address(), 32);
                    if (othersHold(addresses, holders, self, subnet)) {
                        exclude(c);
                    }
                }
                own.add(subnet);
            }
            own.sort((x, y) -> x.network().compareTo(y.network()) != 0 ? x.network().compareTo(y.network())
                    : Integer.compare(x.length(), y.length()));
            List<Block> blocks = new ArrayList<>();
            Ipv4Prefix last = null;
            for (Ipv4Prefix p : own) {
                if (last != null && last.contains(p)) {
                    continue;
                }
                blocks.add(new Block(c, blocks.size(), p.network().bits(), p.length()));
                last = p;
            }
            blocksOf.add(excluded[c] ? List.of() : blocks);
        }
    }

    private static boolean onLoopback(NodeState state, LinkRef ref) {
        return state.link(ref.index()).map(Link::isLoopback).orElse(false);
    }

    private static boolean othersHold(long[] addresses, long[] holders, int self, Ipv4Prefix subnet) {
        long lo = Integer.toUnsignedLong(subnet.network().bits());
        long hi = lo + subnet.size() - 1;
        int i = Arrays.binarySearch(addresses, lo);
        if (i < 0) {
            i = -i - 1;
        }
        while (i > 0 && addresses[i - 1] == lo) {
            i--;
        }
        for (; i < addresses.length && addresses[i] <= hi; i++) {
            if (holders[i] != self) {
                return true;
            }
        }
        return false;
    }

    private void indexBlocks() {
        for (List<Block> blocks : blocksOf) {
            for (Block b : blocks) {
                blocksByLength.computeIfAbsent(b.length(), k -> new BlockTable()).put(b.network(), b);
                while (sortedByIndex.size() <= b.index()) {
                    sortedByIndex.add(new ArrayList<>());
                }
                sortedByIndex.get(b.index()).add(b);
            }
        }
        for (List<Block> list : sortedByIndex) {
            list.sort((x, y) -> Long.compare(x.start(), y.start()));
            startsByIndex.add(list.stream().mapToLong(Block::start).toArray());
        }
    }

    private Block blockOf(int address) {
        for (int i = 0; i < lengths.length; i++) {
            int length = lengths[i];
            int mask = length == 0 ? 0 : -1 << (32 - length);
            Block b = tables[i].get(address & mask);
            if (b != null) {
                return b;
            }
        }
        return null;
    }

    /** The block a prefix lies inside, if any. */
    private Block blockOf(Ipv4Prefix prefix) {
        Block b = blockOf(prefix.address().bits());
        return b != null && b.length() <= prefix.length() ? b : null;
    }

    /**
     * MAC owners: a device MAC of exactly one namespace (loopback aside) belongs to it; a MAC no device has that only
     * one snapshot mentions belongs to that snapshot's namespace. Value: owner candidate << 32 | its number there, or
     * -1 (literal). Candidates sharing a device MAC are singletons.
     */
    private void findMacs(Map<String, NodeState> all) {
        MacTable deviceOwner = new MacTable(); // MAC -> namespace number
        Set<Integer> sharing = new HashSet<>();
        List<Integer> candidateOfNs = new ArrayList<>();
        int ns = 0;
        for (Map.Entry<String, NodeState> e : all.entrySet()) {
            Integer c = candidateIndex.get(e.getKey());
            candidateOfNs.add(c == null ? -1 : c);
            List<Link> links = e.getValue().links();
            for (int pos = 0; pos < links.size(); pos++) {
                Link l = links.get(pos);
                if (l.isLoopback() || l.mac().isEmpty()) {
                    continue;
                }
                long bits = l.mac().get().bits();
                long before = deviceOwner.get(bits);
                if (before < 0) {
                    deviceOwner.put(bits, ns);
                    macOwner.put(bits, c == null ? ABSENT : ((long) c << 32) | pos);
                } else if (before != ns) {
                    sharing.add((int) before);
                    sharing.add(ns);
                    macOwner.put(bits, ABSENT);
                }
            }
            ns++;
        }
        sharing.forEach(n -> {
            if (candidateOfNs.get(n) >= 0) {
                exclude(candidateOfNs.get(n));
            }
        });
        MacTable foreign = new MacTable(); // MAC no device has -> the first namespace mentioning it
        ns = 0;
        for (NodeState state : all.values()) {
            int c = candidateOfNs.get(ns);
            int next = 1 << 16;
            for (Neighbor n : state.neighbors()) {
                if (n.mac().isPresent()) {
                    next = foreign(deviceOwner, foreign, n.mac().get().bits(), ns, c, next);
                }
            }
            for (FdbEntry f : state.fdb()) {
                next = foreign(deviceOwner, foreign, f.mac().bits(), ns, c, next);
            }
            ns++;
        }
    }

    /** Notes a MAC a snapshot mentions; returns the namespace's next number for its private MACs. */
    private int foreign(MacTable deviceOwner, MacTable foreign, long bits, int ns, int candidate, int next) {
        if (deviceOwner.get(bits) >= 0) {
            return next;
        }
        long first = foreign.get(bits);
        if (first < 0) {
            foreign.put(bits, ns);
            macOwner.put(bits, candidate < 0 ? ABSENT : ((long) candidate << 32) | next);
            return next + 1;
        }
        if (first != ns) {
            macOwner.put(bits, ABSENT);
        }
        return next;
    }

    // ---- forms -----------------------------------------------------------------------------------------------------

    private record LinkForm(String name, Optional<String> kind, long mac, int mtu, int flags, Link.OperState state,
                            int master, VxlanForm vxlan) {}

    private record VxlanForm(int vni, long local, int port, boolean learning, int underlay) {}

    private record AddressForm(int link, long address, int length, Scope scope) {}

    private record RouteForm(int table, Route.Type type, long dst, int length, long gateway, int dev, int flags,
                             Scope scope, Route.Protocol protocol, long prefsrc, long metric) {
        /** Whether this is the route's form with these codes (compared without making a form). */
        boolean is(Route r, long dstCode, long gatewayCode, int devPosition, long prefsrcCode) {
            return table == r.table() && type == r.type() && dst == dstCode && length == r.dst().length()
                    && gateway == gatewayCode && dev == devPosition && flags == r.flags() && scope == r.scope()
                    && protocol.equals(r.protocol()) && prefsrc == prefsrcCode && metric == r.metric();
        }
    }

    private record NeighborForm(int dev, long ip, long mac, int state) {}

    private record FdbForm(int dev, long mac, long dst, int flags, int state) {}

    private record SelfForm(List<LinkForm> links, List<AddressForm> addresses, List<Object> routes,
                            List<Object> neighbors, List<Object> fdb, boolean ipForward,
                            List<Integer> rpFilters, List<Boolean> forwarding, Object firewall,
                            List<RoutingRule> rules, List<Integer> blocks) {}

    /** One namespace's view: its entries split into its self form (returned) and relation forms per candidate. */
    private final class Observer {
        final int self;
        final int[] linkIndexes;
        final boolean namesMatter;
        final int[] touched = new int[8];
        int touchedCount;
        private int lastIndex = Integer.MIN_VALUE;
        private int lastPosition;

        Observer(NodeState state, int self) {
            this.self = self;
            this.linkIndexes = state.links().stream().mapToInt(Link::index).toArray();
            this.namesMatter = firewallActive(state.firewall());
        }

        /** A device by its position in the snapshot (entries mostly name the same device: the last one is kept). */
        int position(LinkRef ref) {
            if (ref.index() == lastIndex) {
                return lastPosition;
            }
            int i = Arrays.binarySearch(linkIndexes, ref.index());
            lastIndex = ref.index();
            lastPosition = i >= 0 ? i : -1 - ref.index(); // a device the dump did not list: by its raw index
            return lastPosition;
        }

        int position(Optional<LinkRef> ref) {
            return ref.isPresent() ? position(ref.get()) : Integer.MIN_VALUE;
        }

        void touch(int owner) {
            if (owner < 0 || owner == self) {
                return;
            }
            for (int i = 0; i < touchedCount; i++) {
                if (touched[i] == owner) {
                    return;
                }
            }
            if (touchedCount == touched.length) {
                excludeAll(touched, touchedCount);
                exclude(owner);
                return;
            }
            touched[touchedCount++] = owner;
        }

        /** The address's block, noting its owner as touched. */
        Block address(int bits) {
            Block b = blockOf(bits);
            if (b != null) {
                touch(b.owner());
            }
            return b;
        }

        Block address(Optional<Ipv4> ip) {
            return ip.isPresent() ? address(ip.get().bits()) : null;
        }

        /** The block a prefix lies in, noting its owner; a prefix wider than blocks is checked for coverage. */
        Block prefix(Ipv4Prefix prefix) {
            Block b = blockOf(prefix);
            if (b != null) {
                touch(b.owner());
            } else {
                cover(prefix);
            }
            return b;
        }

        /** The MAC's owner entry (see {@link MacTable}), noting a candidate owner as touched. */
        long mac(long bits) {
            long owner = macOwner.get(bits);
            if (owner >= 0) {
                touch((int) (owner >> 32));
            }
            return owner;
        }

        /** An address relative to the observer's or the subject's block, else literal. */
        long code(int bits, Block b, int subject) {
            if (b != null && (b.owner() == self || b.owner() == subject)) {
                return (b.owner() == self ? OBSERVER : SUBJECT) << 40 | (long) b.index() << 32
                        | Integer.toUnsignedLong(bits - b.network());
            }
            return Integer.toUnsignedLong(bits);
        }

        long code(Optional<Ipv4> ip, Block b, int subject) {
            return ip.isPresent() ? code(ip.get().bits(), b, subject) : ABSENT;
        }

        long macCode(long bits, long owner, int subject) {
            if (owner >= 0) {
                int c = (int) (owner >> 32);
                if (c == self || c == subject) {
                    return (c == self ? OBSERVER : SUBJECT) << 56 | (owner & 0xffffffffL);
                }
            }
            return bits;
        }
    }

    private void excludeAll(int[] owners, int count) {
        for (int i = 0; i < count; i++) {
            exclude(owners[i]);
        }
    }

    /**
     * A literal prefix covering blocks: fine when, for each block number, it covers every candidate's block or none
     * (any swap maps it onto itself); else the candidates whose blocks it covers or cuts become singletons.
     */
    private void cover(Ipv4Prefix prefix) {
        long lo = Integer.toUnsignedLong(prefix.network().bits());
        cover(lo, lo + prefix.size() - 1);
    }

    private void cover(long lo, long hi) {
        int[] hit = coverage.computeIfAbsent(lo << 32 | hi, k -> covered(lo, hi));
        for (int c : hit) {
            exclude(c);
        }
    }

    private int[] covered(long lo, long hi) {
        List<Integer> singled = new ArrayList<>();
        for (int index = 0; index < sortedByIndex.size(); index++) {
            List<Block> blocks = sortedByIndex.get(index);
            long[] starts = startsByIndex.get(index);
            int i = Arrays.binarySearch(starts, lo);
            i = i >= 0 ? i : Math.max(0, -i - 2);
            List<Integer> inside = new ArrayList<>();
            for (; i < blocks.size() && blocks.get(i).start() <= hi; i++) {
                Block b = blocks.get(i);
                if (b.end() < lo) {
                    continue;
                }
                if (b.start() >= lo && b.end() <= hi) {
                    inside.add(b.owner());
                } else {
                    singled.add(b.owner());
                }
            }
            if (!inside.isEmpty() && inside.size() != blocks.size()) {
                singled.addAll(inside);
            }
        }
        return singled.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean firewallActive(Ruleset firewall) {
        return firewall.inspected() && !firewall.chains().isEmpty();
    }

    /** Splits one snapshot; fills {@code relations[candidate]} and returns the self form. */
    private Object relate(NodeState state, int self, Object[] relations) {
        Observer o = new Observer(state, self);
        Relations rel = new Relations(relations.length);
        List<LinkForm> links = new ArrayList<>();
        for (Link l : state.links()) {
            Optional<VxlanInfo> vx = l.vxlan();
            long mac = l.mac().isPresent() ? o.macCode(l.mac().get().bits(), o.mac(l.mac().get().bits()), -1) : ABSENT;
            VxlanForm vxlan = null;
            if (vx.isPresent()) {
                VxlanInfo v = vx.get();
                vxlan = new VxlanForm(v.vni(), o.code(v.local(), o.address(v.local()), -1), v.port(), v.learning(),
                        o.position(v.underlay()));
            }
            links.add(new LinkForm(o.namesMatter || l.name().equals("lo") ? l.name() : null, l.kind(), mac, l.mtu(),
                    l.flags(), l.operState(), o.position(l.master()), vxlan));
        }
        singleOut(o);
        List<AddressForm> addresses = new ArrayList<>();
        for (Address a : state.addresses()) {
            o.prefix(a.prefix().canonical());
            Block b = o.address(a.prefix().address().bits());
            singleOut(o);
            addresses.add(new AddressForm(o.position(a.link()), o.code(a.prefix().address().bits(), b, -1),
                    a.prefix().length(), a.scope()));
        }
        // An observer relates to most nodes by equal forms: one instance each, so relations compare by reference.
        RouteForm lastRoute = null;
        NeighborForm lastNeighbor = null;
        FdbForm lastFdb = null;
        List<Object> routes = new ArrayList<>();
        Route previous = null;
        boolean previousTouched = false;
        for (Route r : state.routes()) {
            Block dst = o.prefix(r.dst());
            Block gateway = o.address(r.gateway());
            Block prefsrc = o.address(r.prefsrc());
            boolean collides = previous != null && previous.table() == r.table() && previous.dst().equals(r.dst());
            previousTouched = collide(o, collides, previousTouched, rel);
            for (int i = 0; i < Math.max(1, o.touchedCount); i++) {
                int subject = o.touchedCount == 0 ? -1 : o.touched[i];
                long dstCode = o.code(r.dst().address().bits(), dst, subject);
                long gatewayCode = o.code(r.gateway(), gateway, subject);
                long prefsrcCode = o.code(r.prefsrc(), prefsrc, subject);
                int dev = o.position(r.dev());
                if (lastRoute == null || !lastRoute.is(r, dstCode, gatewayCode, dev, prefsrcCode)) {
                    lastRoute = new RouteForm(r.table(), r.type(), dstCode, r.dst().length(), gatewayCode, dev,
                            r.flags(), r.scope(), r.protocol(), prefsrcCode, r.metric());
                }
                place(routes, rel, subject, lastRoute);
            }
            o.touchedCount = 0;
            previous = r;
        }
        List<Object> neighbors = new ArrayList<>();
        Neighbor previousNeighbor = null;
        previousTouched = false;
        for (Neighbor n : state.neighbors()) {
            Block ip = o.address(n.ip().bits());
            long macBits = n.mac().isPresent() ? n.mac().get().bits() : 0;
            long owner = n.mac().isPresent() ? o.mac(macBits) : ABSENT;
            boolean collides = previousNeighbor != null && previousNeighbor.dev().index() == n.dev().index()
                    && previousNeighbor.ip().equals(n.ip());
            previousTouched = collide(o, collides, previousTouched, rel);
            for (int i = 0; i < Math.max(1, o.touchedCount); i++) {
                int subject = o.touchedCount == 0 ? -1 : o.touched[i];
                int dev = o.position(n.dev());
                long ipCode = o.code(n.ip().bits(), ip, subject);
                long macCode = n.mac().isPresent() ? o.macCode(macBits, owner, subject) : ABSENT;
                if (lastNeighbor == null || lastNeighbor.dev() != dev || lastNeighbor.ip() != ipCode
                        || lastNeighbor.mac() != macCode || lastNeighbor.state() != n.state()) {
                    lastNeighbor = new NeighborForm(dev, ipCode, macCode, n.state());
                }
                place(neighbors, rel, subject, lastNeighbor);
            }
            o.touchedCount = 0;
            previousNeighbor = n;
        }
        List<Object> fdb = new ArrayList<>();
        FdbEntry previousFdb = null;
        previousTouched = false;
        for (FdbEntry f : state.fdb()) {
            long owner = o.mac(f.mac().bits());
            Block dst = o.address(f.dst());
            boolean collides = previousFdb != null && previousFdb.dev().index() == f.dev().index()
                    && previousFdb.mac().equals(f.mac());
            previousTouched = collide(o, collides, previousTouched, rel);
            for (int i = 0; i < Math.max(1, o.touchedCount); i++) {
                int subject = o.touchedCount == 0 ? -1 : o.touched[i];
                int dev = o.position(f.dev());
                long macCode = o.macCode(f.mac().bits(), owner, subject);
                long dstCode = o.code(f.dst(), dst, subject);
                if (lastFdb == null || lastFdb.dev() != dev || lastFdb.mac() != macCode || lastFdb.dst() != dstCode
                        || lastFdb.flags() != f.flags() || lastFdb.state() != f.state()) {
                    lastFdb = new FdbForm(dev, macCode, dstCode, f.flags(), f.state());
                }
                place(fdb, rel, subject, lastFdb);
            }
            o.touchedCount = 0;
            previousFdb = f;
        }
        for (RoutingRule rule : state.rules()) {
            rule.src().ifPresent(this::literal);
            rule.dst().ifPresent(this::literal);
        }
        Object firewall = Boolean.FALSE;
        if (firewallActive(state.firewall())) {
            firewall = state.firewall();
            scanFirewall(state.firewall());
        }
        List<Integer> rp = new ArrayList<>();
        List<Boolean> forwarding = new ArrayList<>();
        for (Link l : state.links()) {
            rp.add(state.sysctls().effectiveRpFilter(l.name()));
            forwarding.add(state.sysctls().forwardsFrom(l.name()));
        }
        for (int s = 0; s < relations.length; s++) {
            relations[s] = rel.of(s);
        }
        Object sysctls = o.namesMatter ? state.sysctls() : null;
        List<Integer> blocks = self < 0 ? List.of() : blocksOf.get(self).stream().map(Block::length).toList();
        return List.of(new SelfForm(links, addresses, routes, neighbors, fdb, state.sysctls().ipForward(), rp,
                forwarding, firewall, state.rules(), blocks), sysctls == null ? Boolean.FALSE : sysctls);
    }

    /**
     * An observer's relations to every candidate, built entry by entry without a list per pair: a relation is a state
     * of a trie whose edges are entry forms (an observer relates to most nodes alike, so the trie stays small). Each
     * distinct state becomes one list, shared by every equal relation of every observer, so comparing relations is
     * mostly comparing references.
     */
    private final class Relations {
        private static final int SCANNED = 32;
        private final int[] stateOf;
        private int[] parent = new int[8];
        private Object[] form = new Object[8];
        private int size = 1; // state 0: no entry
        private Map<Edge, Integer> edges;
        private final Map<Integer, List<Object>> lists = new HashMap<>();

        private record Edge(int from, Object form) {}

        Relations(int candidates) {
            stateOf = new int[candidates];
        }

        void add(int subject, Object entry) {
            stateOf[subject] = next(stateOf[subject], entry);
        }

        boolean any(int subject) {
            return stateOf[subject] != 0;
        }

        private int next(int state, Object entry) {
            if (edges == null) {
                for (int k = 1; k < size; k++) {
                    if (parent[k] == state && form[k] == entry) {
                        return k;
                    }
                }
            } else {
                Integer k = edges.get(new Edge(state, entry));
                if (k != null) {
                    return k;
                }
            }
            if (size == parent.length) {
                parent = Arrays.copyOf(parent, size * 2);
                form = Arrays.copyOf(form, size * 2);
            }
            parent[size] = state;
            form[size] = entry;
            if (edges == null && size == SCANNED) {
                edges = new HashMap<>();
                for (int k = 1; k < size; k++) {
                    edges.putIfAbsent(new Edge(parent[k], form[k]), k);
                }
            }
            if (edges != null) {
                edges.putIfAbsent(new Edge(state, entry), size);
            }
            return size++;
        }

        /** The relation to the subject as a shared list of its entry forms, in snapshot order. */
        List<Object> of(int subject) {
            int state = stateOf[subject];
            if (state == 0) {
                return NO_RELATION;
            }
            return lists.computeIfAbsent(state, k -> {
                List<Object> entries = new ArrayList<>();
                for (int at = k; at != 0; at = parent[at]) {
                    entries.add(form[at]);
                }
                java.util.Collections.reverse(entries);
                return interned.computeIfAbsent(entries, e -> e);
            });
        }
    }

    /**
     * Entries sharing a lookup key are taken in snapshot order (the first wins). A snapshot sorts them by device,
     * key, then the rest, so only the rest - which a renaming may reorder - decides among neighbours in the list:
     * when a touching entry collides with the one before it, its subjects and the observer's others so far are
     * singled out. Returns whether the current entry touches anyone.
     */
    private boolean collide(Observer o, boolean collides, boolean previousTouched, Relations rel) {
        boolean touches = o.touchedCount > 0;
        if (collides && (touches || previousTouched)) {
            excludeAll(o.touched, o.touchedCount);
            markCollision(rel);
        }
        return touches;
    }

    /** An entry form goes to the observer's own list (no subject) or to its relation with the subject. */
    private static void place(List<Object> own, Relations rel, int subject, Object form) {
        if (subject < 0) {
            own.add(form);
        } else {
            rel.add(subject, form);
        }
    }

    private void markCollision(Relations rel) {
        // Conservative: every subject this observer relates to so far becomes a singleton (collisions are rare).
        for (int s = 0; s < excluded.length; s++) {
            if (rel.any(s)) {
                exclude(s);
            }
        }
    }

    private void singleOut(Observer o) {
        // Touches found while reading the observer's own devices and addresses cannot be split off: single them out.
        excludeAll(o.touched, o.touchedCount);
        o.touchedCount = 0;
    }

    /** A literal the forms keep as it is (rule selectors, firewall addresses): its blocks' owners must not move. */
    private void literal(Ipv4Prefix prefix) {
        Block b = blockOf(prefix);
        if (b != null) {
            exclude(b.owner());
        } else {
            cover(prefix);
        }
    }

    /** Every address, prefix, range and MAC the ruleset mentions is a literal of it. */
    private void scanFirewall(Ruleset firewall) {
        for (Ruleset.Chain chain : firewall.chains()) {
            for (Ruleset.Rule rule : chain.rules()) {
                rule.exprs().forEach(this::scan);
            }
        }
        firewall.sets().values().forEach(set -> set.elements().forEach(this::scan));
    }

    private void scan(JsonNode node) {
        if (node.isTextual()) {
            String text = node.asText();
            if (DOTTED_QUAD.matcher(text).matches()) {
                try {
                    literal(new Ipv4Prefix(Ipv4.parse(text), 32));
                } catch (RuntimeException notAnAddress) {
                    // 999.1.1.1: not an address, nothing to rename
                }
            } else if (MAC.matcher(text).matches()) {
                long owner = macOwner.get(MacAddress.parse(text).bits());
                if (owner >= 0) {
                    exclude((int) (owner >> 32));
                }
            }
            return;
        }
        if (node.isObject() && node.has("prefix") && node.get("prefix").has("addr") && node.get("prefix").has("len")) {
            try {
                literal(new Ipv4Prefix(Ipv4.parse(node.get("prefix").get("addr").asText()),
                        node.get("prefix").get("len").asInt()).canonical());
            } catch (RuntimeException notIpv4) {
                // an IPv6 prefix: IPv4 walks never match it
            }
        }
        if (node.isArray() && node.size() == 2 && node.get(0).isTextual() && node.get(1).isTextual()
                && DOTTED_QUAD.matcher(node.get(0).asText()).matches()
                && DOTTED_QUAD.matcher(node.get(1).asText()).matches()) {
            try {
                cover(Integer.toUnsignedLong(Ipv4.parse(node.get(0).asText()).bits()),
                        Integer.toUnsignedLong(Ipv4.parse(node.get(1).asText()).bits()));
            } catch (RuntimeException notAnAddress) {
                // not a range of addresses
            }
        }
        node.forEach(this::scan);
    }

    /** Blocks by network: open addressing, no boxing (probed for every address of every snapshot entry). */
    private static final class BlockTable {
        private int[] keys = new int[16];
        private Block[] values = new Block[16];
        private int size;

        void put(int key, Block value) {
            if (2 * (size + 1) > keys.length) {
                int[] oldKeys = keys;
                Block[] oldValues = values;
                keys = new int[oldKeys.length * 2];
                values = new Block[oldKeys.length * 2];
                size = 0;
                for (int i = 0; i < oldKeys.length; i++) {
                    if (oldValues[i] != null) {
                        put(oldKeys[i], oldValues[i]);
                    }
                }
            }
            int i = slot(key);
            while (values[i] != null && keys[i] != key) {
                i = (i + 1) & (keys.length - 1);
            }
            if (values[i] == null) {
                size++;
            }
            keys[i] = key;
            values[i] = value;
        }

        Block get(int key) {
            int i = slot(key);
            while (values[i] != null) {
                if (keys[i] == key) {
                    return values[i];
                }
                i = (i + 1) & (keys.length - 1);
            }
            return null;
        }

        /** Fibonacci hashing: the product's high bits (networks have zero low bits). */
        private int slot(int key) {
            return (key * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(keys.length));
        }
    }

    /** MAC bits to owner (candidate << 32 | its number there) or {@link #ABSENT}; missing: -2. No boxing. */
    private static final class MacTable {
        private static final long FREE = Long.MIN_VALUE;
        private long[] keys = filled(64);
        private long[] values = new long[64];
        private int size;

        private static long[] filled(int n) {
            long[] a = new long[n];
            Arrays.fill(a, FREE);
            return a;
        }

        void put(long key, long value) {
            if (2 * (size + 1) > keys.length) {
                long[] oldKeys = keys;
                long[] oldValues = values;
                keys = filled(oldKeys.length * 2);
                values = new long[oldKeys.length * 2];
                size = 0;
                for (int i = 0; i < oldKeys.length; i++) {
                    if (oldKeys[i] != FREE) {
                        put(oldKeys[i], oldValues[i]);
                    }
                }
            }
            int i = slot(key);
            while (keys[i] != FREE && keys[i] != key) {
                i = (i + 1) & (keys.length - 1);
            }
            if (keys[i] == FREE) {
                size++;
            }
            keys[i] = key;
            values[i] = value;
        }

        long get(long key) {
            int i = slot(key);
            while (keys[i] != FREE) {
                if (keys[i] == key) {
                    return values[i];
                }
                i = (i + 1) & (keys.length - 1);
            }
            return -2;
        }

        private int slot(long key) {
            return (int) ((key * 0x9E3779B97F4A7C15L) >>> (64 - Long.numberOfTrailingZeros(keys.length)));
        }
    }

    // ---- classes ---------------------------------------------------------------------------------------------------

    /**
     * Reference forms: per observer, the majority of its relations to candidates; per candidate, the majority of the
     * relations observers have to it. Typical candidates (all relations equal to the references) with equal self
     * forms and equal references are one class.
     */
    private void classify(Object[][] relations, Object[] selves, int[] observerOf) {
        int m = candidates.size();
        int observers = relations.length;
        int[] candidateOf = new int[observers];
        Arrays.fill(candidateOf, -1);
        for (int c = 0; c < m; c++) {
            candidateOf[observerOf[c]] = c;
        }
        Object[] byObserver = new Object[observers];
        for (int ox = 0; ox < observers; ox++) {
            Object[] row = relations[ox];
            int skip = candidateOf[ox];
            byObserver[ox] = majority(i -> i == skip ? null : row[i], m);
        }
        Object[] bySubject = new Object[m];
        for (int s = 0; s < m; s++) {
            int subject = s;
            int skip = observerOf[s];
            bySubject[s] = majority(ox -> ox == skip ? null : relations[ox][subject], observers);
        }
        Map<List<Object>, Integer> classes = new HashMap<>();
        int[] members = new int[m];
        for (int s = 0; s < m; s++) {
            classOf[s] = -1;
            if (excluded[s] || !typical(s, relations, observerOf, byObserver, bySubject)) {
                continue;
            }
            List<Object> key = List.of(selves[s], bySubject[s]);
            classOf[s] = classes.computeIfAbsent(key, k -> classes.size());
            members[classOf[s]]++;
        }
        for (int s = 0; s < m; s++) {
            if (classOf[s] >= 0 && members[classOf[s]] < 2) {
                classOf[s] = -1; // a class of one is a singleton
            }
        }
    }

    private boolean typical(int s, Object[][] relations, int[] observerOf, Object[] byObserver, Object[] bySubject) {
        for (int ox = 0; ox < relations.length; ox++) {
            if (ox != observerOf[s] && !relations[ox][s].equals(byObserver[ox])) {
                return false;
            }
        }
        Object[] row = relations[observerOf[s]];
        for (int c = 0; c < row.length; c++) {
            if (c != s && !row[c].equals(bySubject[c])) {
                return false;
            }
        }
        return true;
    }

    /** Boyer-Moore: the majority value if there is one, else some value of the sequence (nulls skipped). */
    private static Object majority(java.util.function.IntFunction<Object> at, int size) {
        Object candidate = NO_RELATION;
        int count = 0;
        for (int i = 0; i < size; i++) {
            Object v = at.apply(i);
            if (v == null) {
                continue;
            }
            if (count == 0) {
                candidate = v;
                count = 1;
            } else if (candidate.equals(v)) {
                count++;
            } else {
                count--;
            }
        }
        return candidate;
    }
}
