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
    private final Map<Integer, Map<Integer, Block>> blocksByLength = new HashMap<>();
    private final int[] lengths;
    private final List<long[]> startsByIndex = new ArrayList<>();
    private final List<List<Block>> sortedByIndex = new ArrayList<>();
    private final Map<Long, Long> macOwner = new HashMap<>();
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
                blocksByLength.computeIfAbsent(b.length(), k -> new HashMap<>()).put(b.network(), b);
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
        for (int length : lengths) {
            int mask = length == 0 ? 0 : -1 << (32 - length);
            Block b = blocksByLength.get(length).get(address & mask);
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
        Map<Long, String> deviceOwner = new HashMap<>();
        Set<String> sharing = new HashSet<>();
        for (Map.Entry<String, NodeState> e : all.entrySet()) {
            List<Link> links = e.getValue().links();
            for (int pos = 0; pos < links.size(); pos++) {
                Link l = links.get(pos);
                if (l.isLoopback() || l.mac().isEmpty()) {
                    continue;
                }
                long bits = l.mac().get().bits();
                String before = deviceOwner.putIfAbsent(bits, e.getKey());
                Integer c = candidateIndex.get(e.getKey());
                if (before != null && !before.equals(e.getKey())) {
                    sharing.add(before);
                    sharing.add(e.getKey());
                    macOwner.put(bits, ABSENT);
                } else if (before == null) {
                    macOwner.put(bits, c == null ? ABSENT : ((long) c << 32) | pos);
                }
            }
        }
        sharing.forEach(n -> {
            Integer c = candidateIndex.get(n);
            if (c != null) {
                exclude(c);
            }
        });
        Map<Long, String> foreign = new HashMap<>();
        for (Map.Entry<String, NodeState> e : all.entrySet()) {
            Integer c = candidateIndex.get(e.getKey());
            int[] next = {1 << 16};
            java.util.function.LongConsumer seen = bits -> {
                if (deviceOwner.containsKey(bits)) {
                    return;
                }
                String first = foreign.putIfAbsent(bits, e.getKey());
                if (first == null) {
                    macOwner.put(bits, c == null ? ABSENT : ((long) c << 32) | next[0]++);
                } else if (!first.equals(e.getKey())) {
                    macOwner.put(bits, ABSENT);
                }
            };
            for (Neighbor n : e.getValue().neighbors()) {
                n.mac().ifPresent(mac -> seen.accept(mac.bits()));
            }
            for (FdbEntry f : e.getValue().fdb()) {
                seen.accept(f.mac().bits());
            }
        }
    }

    // ---- forms -----------------------------------------------------------------------------------------------------

    private record LinkForm(String name, Optional<String> kind, long mac, int mtu, int flags, Link.OperState state,
                            int master, VxlanForm vxlan) {}

    private record VxlanForm(int vni, long local, int port, boolean learning, int underlay) {}

    private record AddressForm(int link, long address, int length, Scope scope) {}

    private record RouteForm(int table, Route.Type type, long dst, int length, long gateway, int dev, int flags,
                             Scope scope, Route.Protocol protocol, long prefsrc, long metric) {}

    private record NeighborForm(int dev, long ip, long mac, int state) {}

    private record FdbForm(int dev, long mac, long dst, int flags, int state) {}

    private record SelfForm(List<LinkForm> links, List<AddressForm> addresses, List<RouteForm> routes,
                            List<NeighborForm> neighbors, List<FdbForm> fdb, boolean ipForward,
                            List<Integer> rpFilters, List<Boolean> forwarding, Object firewall,
                            List<RoutingRule> rules, List<Integer> blocks) {}

    /** One namespace's view: its entries split into its self form (returned) and relation forms per candidate. */
    private final class Observer {
        final int self;
        final int[] linkIndexes;
        final boolean namesMatter;
        final int[] touched = new int[8];
        int touchedCount;

        Observer(NodeState state, int self) {
            this.self = self;
            this.linkIndexes = state.links().stream().mapToInt(Link::index).toArray();
            this.namesMatter = firewallActive(state.firewall());
        }

        int position(LinkRef ref) {
            int i = Arrays.binarySearch(linkIndexes, ref.index());
            return i >= 0 ? i : -1 - ref.index(); // a device the dump did not list: by its raw index
        }

        int position(Optional<LinkRef> ref) {
            return ref.map(this::position).orElse(Integer.MIN_VALUE);
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

        void touchAddress(int bits) {
            Block b = blockOf(bits);
            if (b != null) {
                touch(b.owner());
            }
        }

        void touchPrefix(Ipv4Prefix prefix) {
            Block b = blockOf(prefix);
            if (b != null) {
                touch(b.owner());
            } else {
                cover(prefix);
            }
        }

        void touchMac(long bits) {
            Long owner = macOwner.get(bits);
            if (owner != null && owner != ABSENT) {
                touch((int) (owner >> 32));
            }
        }

        long address(int bits, int subject) {
            Block b = blockOf(bits);
            if (b != null && (b.owner() == self || b.owner() == subject)) {
                return (b.owner() == self ? OBSERVER : SUBJECT) << 40 | (long) b.index() << 32
                        | Integer.toUnsignedLong(bits - b.network());
            }
            return Integer.toUnsignedLong(bits);
        }

        long address(Optional<Ipv4> ip, int subject) {
            return ip.map(a -> address(a.bits(), subject)).orElse(ABSENT);
        }

        long mac(long bits, int subject) {
            Long owner = macOwner.get(bits);
            if (owner != null && owner != ABSENT) {
                int c = (int) (owner >> 32);
                if (c == self || c == subject) {
                    return (c == self ? OBSERVER : SUBJECT) << 56 | (owner & 0xffffffffL);
                }
            }
            return bits;
        }

        RouteForm route(Route r, int subject) {
            return new RouteForm(r.table(), r.type(), address(r.dst().address().bits(), subject), r.dst().length(),
                    address(r.gateway(), subject), position(r.dev()), r.flags(), r.scope(), r.protocol(),
                    address(r.prefsrc(), subject), r.metric());
        }

        NeighborForm neighbor(Neighbor n, int subject) {
            return new NeighborForm(position(n.dev()), address(n.ip().bits(), subject),
                    n.mac().map(m -> mac(m.bits(), subject)).orElse(ABSENT), n.state());
        }

        FdbForm fdb(FdbEntry f, int subject) {
            return new FdbForm(position(f.dev()), mac(f.mac().bits(), subject), address(f.dst(), subject), f.flags(),
                    f.state());
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
        @SuppressWarnings("unchecked")
        List<Object>[] rel = new List[relations.length];
        List<LinkForm> links = new ArrayList<>();
        for (Link l : state.links()) {
            Optional<VxlanInfo> vx = l.vxlan();
            if (vx.isPresent() && vx.get().local().isPresent()) {
                o.touchAddress(vx.get().local().get().bits());
            }
            links.add(new LinkForm(o.namesMatter || l.name().equals("lo") ? l.name() : null, l.kind(),
                    l.mac().map(m -> o.mac(m.bits(), -1)).orElse(ABSENT), l.mtu(), l.flags(), l.operState(),
                    o.position(l.master()), vx.map(v -> new VxlanForm(v.vni(), o.address(v.local(), -1), v.port(),
                    v.learning(), o.position(v.underlay()))).orElse(null)));
        }
        singleOut(o);
        List<AddressForm> addresses = new ArrayList<>();
        for (Address a : state.addresses()) {
            o.touchPrefix(a.prefix().canonical());
            o.touchAddress(a.prefix().address().bits());
            singleOut(o);
            addresses.add(new AddressForm(o.position(a.link()), o.address(a.prefix().address().bits(), -1),
                    a.prefix().length(), a.scope()));
        }
        List<RouteForm> routes = new ArrayList<>();
        Route previous = null;
        boolean previousTouched = false;
        for (Route r : state.routes()) {
            o.touchPrefix(r.dst());
            r.gateway().ifPresent(g -> o.touchAddress(g.bits()));
            r.prefsrc().ifPresent(s -> o.touchAddress(s.bits()));
            boolean collides = previous != null && previous.table() == r.table() && previous.dst().equals(r.dst());
            previousTouched = split(o, collides, previousTouched, routes, rel, s -> o.route(r, s));
            previous = r;
        }
        List<NeighborForm> neighbors = new ArrayList<>();
        Neighbor previousNeighbor = null;
        previousTouched = false;
        for (Neighbor n : state.neighbors()) {
            o.touchAddress(n.ip().bits());
            n.mac().ifPresent(m -> o.touchMac(m.bits()));
            boolean collides = previousNeighbor != null && previousNeighbor.dev().index() == n.dev().index()
                    && previousNeighbor.ip().equals(n.ip());
            previousTouched = split(o, collides, previousTouched, neighbors, rel, s -> o.neighbor(n, s));
            previousNeighbor = n;
        }
        List<FdbForm> fdb = new ArrayList<>();
        FdbEntry previousFdb = null;
        previousTouched = false;
        for (FdbEntry f : state.fdb()) {
            o.touchMac(f.mac().bits());
            f.dst().ifPresent(d -> o.touchAddress(d.bits()));
            boolean collides = previousFdb != null && previousFdb.dev().index() == f.dev().index()
                    && previousFdb.mac().equals(f.mac());
            previousTouched = split(o, collides, previousTouched, fdb, rel, s -> o.fdb(f, s));
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
            relations[s] = rel[s] == null ? NO_RELATION : rel[s];
        }
        Object sysctls = o.namesMatter ? state.sysctls() : null;
        List<Integer> blocks = self < 0 ? List.of() : blocksOf.get(self).stream().map(Block::length).toList();
        return List.of(new SelfForm(links, addresses, routes, neighbors, fdb, state.sysctls().ipForward(), rp,
                forwarding, firewall, state.rules(), blocks), sysctls == null ? Boolean.FALSE : sysctls);
    }

    /** Entries that touch nobody else are the observer's own; entries sharing a lookup key with a touching one single their subjects out. */
    private <F> boolean split(Observer o, boolean collides, boolean previousTouched, List<F> own, List<Object>[] rel,
                              java.util.function.IntFunction<F> form) {
        boolean touches = o.touchedCount > 0;
        if (collides && (touches || previousTouched)) {
            excludeAll(o.touched, o.touchedCount);
            // the previous entry's subjects are already in rel; a collision among them cannot be renamed
            markCollision(rel, o.self);
        }
        if (!touches) {
            own.add(form.apply(-1));
        } else {
            for (int i = 0; i < o.touchedCount; i++) {
                int s = o.touched[i];
                if (rel[s] == null) {
                    rel[s] = new ArrayList<>(4);
                }
                rel[s].add(form.apply(s));
            }
        }
        o.touchedCount = 0;
        return touches;
    }

    private void markCollision(List<Object>[] rel, int self) {
        // Conservative: every subject this observer relates to so far becomes a singleton (collisions are rare).
        for (int s = 0; s < rel.length; s++) {
            if (rel[s] != null) {
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
                Long owner = macOwner.get(MacAddress.parse(text).bits());
                if (owner != null && owner != ABSENT) {
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
