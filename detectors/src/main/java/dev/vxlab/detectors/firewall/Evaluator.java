package dev.vxlab.detectors.firewall;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What a node's nftables ruleset does to one IPv4 packet, decided the way the kernel does: every base chain of the
 * packet's hooks (families ip and inet), by hook and priority; in each, the rules in order, jump/goto/return into and
 * out of regular chains, verdict maps, the policy at the end. An accept ends one base chain only: the next base chain
 * on the same hook still sees the packet, and a drop or reject anywhere is final (the lesson of flannel's accept rules
 * that do not save a packet from firewalld's reject).
 *
 * <p>Honest about what it does not model. The matches it knows: ip/udp/tcp/th payload fields, meta
 * iifname/oifname/l4proto/nfproto/protocol/pkttype, ct state (the packet says which: a connection's first packet is
 * new, its replies established), ct status dnat/snat (none: no Service DNAT is followed), meta mark and ct mark (0
 * unless a rule on the packet's way sets them; kube-proxy's mark tests), bitwise and/or with a constant, values,
 * prefixes, ranges, anonymous and named sets, verdict maps. Anything else (fib, a mark a rule set, limits, xt matches of iptables-nft, concatenations,
 * bitwise tests, ...) is "cannot tell": the evaluation is run both ways at each such rule, and when the outcomes differ
 * the verdict is {@link Outcome#UNKNOWN}, naming the rule and the expression, never a guess that could hide a drop. A
 * destination rewrite (dnat, redirect) that matches, a queue, or a statement it does not know is UNKNOWN too.
 */
public final class Evaluator {
    private static final List<String> HOOK_ORDER = List.of("prerouting", "input", "forward", "output", "postrouting");
    private static final int MAX_DEPTH = 64;
    /** Each rule that cannot be told doubles the runs; past this many the answer is "cannot tell". */
    private static final int MAX_RUNS = 256;
    /** Protocols whose headers a UDP or TCP IPv4 packet does not have: a match on them is false. */
    private static final Set<String> OTHER_HEADERS = Set.of("ip6", "icmpv6", "icmp", "igmp", "sctp", "dccp",
            "udplite", "esp", "ah", "comp", "gre", "arp");

    /** Statements that decide nothing. */
    private static final Set<String> PASSING = Set.of("counter", "log", "notrack", "set");
    /** Matches in a statement's clothes (a rate, a quota, an iptables extension): cannot tell. */
    private static final Set<String> MATCH_LIKE = Set.of("limit", "quota", "xt", "meter", "connlimit");
    private static final Set<String> ORDERING = Set.of("<", ">", "<=", ">=");
    private static final Set<String> EQUALITY = Set.of("==", "!=", "in");
    private static final Set<String> TRANSLATIONS = Set.of("masquerade", "snat");
    private static final Set<String> NAT_STATUS = Set.of("dnat", "snat");
    private static final Set<String> TRANSPORTS = Set.of("udp", "tcp");

    private Evaluator() {}

    /**
     * One packet as the kernel's hooks see it; {@code oif} is empty for a packet delivered locally. A port of -1 is
     * unknown (matches on it cannot be told). {@code ctState} is conntrack's: {@code new} for a connection's first
     * packet (and every VXLAN packet: its UDP flows never see a reply), {@code established} for what follows.
     */
    public record Packet(String path, String iif, String oif, Ipv4 saddr, Ipv4 daddr, String l4proto, int sport,
            int dport, String ctState) {
        public static final int UNKNOWN_PORT = -1;

        public static Packet input(String iif, Ipv4 saddr, Ipv4 daddr, String l4proto, int dport) {
            return new Packet("input", iif, "", saddr, daddr, l4proto, UNKNOWN_PORT, dport, "new");
        }

        public static Packet forward(String iif, String oif, Ipv4 saddr, Ipv4 daddr, String l4proto, int dport) {
            return new Packet("forward", iif, oif, saddr, daddr, l4proto, UNKNOWN_PORT, dport, "new");
        }

        public Packet withAddresses(Ipv4 source, Ipv4 destination) {
            return new Packet(path, iif, oif, source, destination, l4proto, sport, dport, ctState);
        }

        public Packet withCtState(String state) {
            return new Packet(path, iif, oif, saddr, daddr, l4proto, sport, dport, state);
        }

        List<String> hooks() {
            return path.equals("input") ? List.of("prerouting", "input")
                    : List.of("prerouting", "forward", "postrouting");
        }

        public String describe() {
            return l4proto + " " + saddr + " -> " + daddr + (dport == UNKNOWN_PORT ? "" : ":" + dport) + " (" + path
                    + ", in " + iif + (oif.isEmpty() ? "" : ", out " + oif) + (ctState.equals("new") ? "" : ", "
                    + ctState) + ")";
        }
    }

    public enum Outcome { ACCEPTED, DROPPED, UNKNOWN }

    /**
     * Where a decision was taken or could not be: a rule (with its handle and its text) or a base chain's policy.
     *
     * @param handle    the rule's handle, empty for a policy
     * @param statement {@code drop}, {@code reject}, {@code policy drop}, or for a rule that cannot be told the
     *                  expression the evaluator does not model
     * @param rule      the rule in nft's words (empty for a policy)
     */
    public record Place(String family, String table, String chain, OptionalInt handle, String statement, String rule) {
        /** {@code table ip filter chain FORWARD: policy drop}, {@code table inet t chain input handle 3: udp dport 8472 drop}. */
        public String describe() {
            Optional<String> legacy = IptablesSave.tool(table);
            if (legacy.isPresent()) {
                return legacy.get() + " " + IptablesSave.legacyTable(table) + " chain " + chain + (handle.isPresent() ? " rule " + handle.getAsInt() : "")
                        + ": " + (rule.isEmpty() ? statement : rule);
            }
            return "table " + family + " " + table + " chain " + chain
                    + (handle.isPresent() ? " handle " + handle.getAsInt() : "")
                    + ": " + (rule.isEmpty() ? statement : rule);
        }
    }

    /**
     * The verdict: accepted by every base chain, dropped (or rejected) where {@code place} says, or unknown because of
     * the rule {@code place} names ({@code place.statement()} is the expression not modelled).
     *
     * @param baseChain the base chain whose evaluation dropped or could not be told ({@code family table name})
     */
    public record Verdict(Outcome outcome, Optional<Place> place, String baseChain) {
        public static final Verdict ACCEPTED = new Verdict(Outcome.ACCEPTED, Optional.empty(), "");

        public boolean dropped() {
            return outcome == Outcome.DROPPED;
        }

        public boolean unknown() {
            return outcome == Outcome.UNKNOWN;
        }

        /** The place in words ("" when accepted). */
        public String where() {
            return place.map(Place::describe).orElse("");
        }
    }

    /** A rule whose match the evaluator cannot tell: one point where the runs branch. */
    private record Point(Place place) {}

    public static Verdict evaluate(Ruleset ruleset, Packet packet) {
        return evaluate(ruleset, packet, false, new Reads());
    }

    /**
     * Whether the packet leaves with its source translated: the nat base chains of the postrouting hook, where the
     * first masquerade or snat statement reached decides. ACCEPTED with a place (the rule) when translated, ACCEPTED
     * without one when it leaves unchanged; DROPPED or UNKNOWN as for {@link #evaluate}.
     */
    public static Verdict sourceNat(Ruleset ruleset, Packet packet) {
        return evaluate(ruleset, packet, true, new Reads());
    }

    /**
     * How an evaluation depended on its packet's addresses: every test it put to them (an address within a prefix, a
     * range, or equal to a literal, each as an unsigned interval) and its answer. The addresses reach a verdict only
     * through these tests, so another packet that differs only in its addresses and answers every test alike gets
     * the same verdict. {@code untracked} when the tests cannot be told apart by address (one object for both).
     */
    private static final class Reads {
        final List<Test> tests = new ArrayList<>();
        boolean untracked;
    }

    /** A test of the source (or destination) address: within [low, high], unsigned, and whether it was. */
    private record Test(boolean source, int low, int high, boolean held) {
        boolean heldFor(Packet packet) {
            return within((source ? packet.saddr() : packet.daddr()).bits(), low, high) == held;
        }

        static boolean within(int address, int low, int high) {
            return Integer.compareUnsigned(address, low) >= 0 && Integer.compareUnsigned(address, high) <= 0;
        }
    }

    /**
     * One ruleset's verdicts on many packets, remembered for a pass: a verdict serves every later packet that differs
     * from its packet only in the addresses and answers the address tests its evaluation made alike (none, when no
     * rule on its way matched on addresses), as a node's path walk asks one packet per peer. One per pass and thread.
     */
    public static final class Verdicts {
        private static final Ipv4 ANY = new Ipv4(0);
        /** Verdicts kept per packet shape before falling back to exact packets (address tests that tell each apart). */
        private static final int MAX_PER_SHAPE = 16;

        private record Remembered(List<Test> tests, Verdict verdict) {}

        private final Ruleset ruleset;
        private final Map<Packet, Verdict> byPacket = new HashMap<>();
        private final Map<Packet, List<Remembered>> byShape = new HashMap<>();

        public Verdicts(Ruleset ruleset) {
            this.ruleset = ruleset;
        }

        public Verdict of(Packet packet) {
            Packet shape = packet.withAddresses(ANY, ANY);
            List<Remembered> remembered = byShape.computeIfAbsent(shape, k -> new ArrayList<>(1));
            for (Remembered r : remembered) {
                if (r.tests().stream().allMatch(t -> t.heldFor(packet))) {
                    return r.verdict();
                }
            }
            Verdict known = byPacket.get(packet);
            if (known == null) {
                Reads reads = new Reads();
                known = evaluate(ruleset, packet, false, reads);
                if (!reads.untracked && remembered.size() < MAX_PER_SHAPE) {
                    remembered.add(new Remembered(List.copyOf(reads.tests), known));
                } else {
                    byPacket.put(packet, known);
                }
            }
            return known;
        }
    }

    private static Verdict evaluate(Ruleset ruleset, Packet packet, boolean nat, Reads reads) {
        Indexed indexed = Indexed.of(ruleset);
        List<String> hooks = packet.hooks();
        List<Ruleset.Chain> bases = new ArrayList<>();
        for (Ruleset.Chain c : indexed.bases) { // already in hook order, then priority
            if (nat ? c.type().equals("nat") && c.hook().get().equals("postrouting") : hooks.contains(c.hook().get())) {
                bases.add(c);
            }
        }
        // Run with every unmodelled rule taken as not matching first, then each alternative: the same answer from
        // every run is the answer; two answers are "cannot tell", naming the rule where the first run branched.
        Deque<List<Boolean>> todo = new ArrayDeque<>();
        todo.push(List.of());
        Verdict first = null;
        List<Point> firstPoints = null;
        int runs = 0;
        while (!todo.isEmpty()) {
            List<Boolean> prefix = todo.pop();
            if (++runs > MAX_RUNS) {
                return new Verdict(Outcome.UNKNOWN, Optional.of(firstPoints.getFirst().place()), first.baseChain());
            }
            Walk walk = new Walk(indexed, packet, prefix, reads);
            Verdict verdict = walk.run(bases, nat);
            for (int i = walk.points.size() - 1; i >= prefix.size(); i--) {
                List<Boolean> alternative = new ArrayList<>(walk.choices.subList(0, i));
                alternative.add(true);
                todo.push(alternative);
            }
            if (first == null) {
                first = verdict;
                firstPoints = walk.points;
                if (verdict.unknown()) {
                    return verdict;
                }
            } else if (verdict.outcome() != first.outcome()
                    || verdict.place().isPresent() != first.place().isPresent()) {
                // This run followed the prefix; its last choice is the rule that changes the answer.
                Place branched = walk.points.get(prefix.size() - 1).place();
                return new Verdict(Outcome.UNKNOWN, Optional.of(branched),
                        first.baseChain().isEmpty() ? verdict.baseChain() : first.baseChain());
            }
        }
        return first;
    }

    /**
     * What every packet's evaluation needs of one ruleset, built once per ruleset rather than per packet (a node's
     * path walk asks a few packets per peer): the chains by name for jumps, the ip and inet base chains in hook and
     * priority order, and whether any rule sets a connection's mark. The last ruleset indexed is kept, by identity:
     * snapshots are immutable, so the walk over one node's peers reuses it.
     */
    private static final class Indexed {
        private static volatile Indexed last;

        final Ruleset ruleset;
        final List<Ruleset.Chain> bases;
        /** Each chain's table's chains by name (the first of a name), for jumps: no key text built per jump. */
        private final Map<Ruleset.Chain, Map<String, Ruleset.Chain>> tableOf = new java.util.IdentityHashMap<>();
        private final Map<String, Map<String, Ruleset.Chain>> tables = new HashMap<>();
        private volatile Boolean setsCtMark;

        private Indexed(Ruleset ruleset) {
            this.ruleset = ruleset;
            for (Ruleset.Chain c : ruleset.chains()) {
                Map<String, Ruleset.Chain> table = tables.computeIfAbsent(Ruleset.chainKey(c.family(), c.table(), ""),
                        k -> new HashMap<>());
                table.putIfAbsent(c.name(), c);
                tableOf.put(c, table);
            }
            List<Ruleset.Chain> base = new ArrayList<>(ruleset.chains().stream()
                    .filter(c -> c.base() && (c.family().equals("ip") || c.family().equals("inet"))).toList());
            // A stable sort: filtering this list by hook keeps the order sorting the filtered chains would give.
            base.sort(Comparator.<Ruleset.Chain>comparingInt(c -> HOOK_ORDER.indexOf(c.hook().get()))
                    .thenComparingInt(Ruleset.Chain::priority));
            this.bases = List.copyOf(base);
        }

        static Indexed of(Ruleset ruleset) {
            Indexed indexed = last;
            if (indexed == null || indexed.ruleset != ruleset) {
                indexed = new Indexed(ruleset);
                last = indexed;
            }
            return indexed;
        }

        Map<String, Ruleset.Chain> besides(Ruleset.Chain chain) {
            Map<String, Ruleset.Chain> table = tableOf.get(chain);
            return table != null ? table
                    : tables.getOrDefault(Ruleset.chainKey(chain.family(), chain.table(), ""), Map.of());
        }

        boolean setsCtMark() {
            Boolean sets = setsCtMark;
            if (sets == null) {
                sets = ruleset.chains().stream().flatMap(c -> c.rules().stream()).flatMap(r -> r.exprs().stream())
                        .anyMatch(e -> e.path("mangle").path("key").path("ct").path("key").asText().equals("mark"));
                setsCtMark = sets;
            }
            return sets;
        }
    }

    private enum Kind { ACCEPT, DROP, CONTINUE, UNKNOWN }

    private record Result(Kind kind, Place place) {
        static final Result CONTINUE = new Result(Kind.CONTINUE, null);
    }

    /** Three-valued matching: a known answer, or "cannot tell". */
    private enum Tri { TRUE, FALSE, UNKNOWN }

    /** One run: the choices at unmodelled rules are the prefix's, then "not matching". */
    private static final class Walk {
        private final Indexed indexed;
        private final Ruleset ruleset;
        private final Packet packet;
        private final List<Boolean> prefix;
        final List<Point> points = new ArrayList<>();
        final List<Boolean> choices = new ArrayList<>();
        /** Whether a rule on this packet's way set its mark (or its connection's): then the mark cannot be told. */
        private boolean metaMarkSet;
        private boolean ctMarkSet;
        private final Reads reads;

        Walk(Indexed indexed, Packet packet, List<Boolean> prefix, Reads reads) {
            this.reads = reads;
            this.indexed = indexed;
            this.ruleset = indexed.ruleset;
            this.packet = packet;
            this.prefix = prefix;
        }

        Verdict run(List<Ruleset.Chain> bases, boolean nat) {
            for (Ruleset.Chain base : bases) {
                Result result = chain(base, 0);
                switch (result.kind()) {
                    case DROP -> {
                        return new Verdict(Outcome.DROPPED, Optional.of(result.place()), base.qualified());
                    }
                    case UNKNOWN -> {
                        return new Verdict(Outcome.UNKNOWN, Optional.of(result.place()), base.qualified());
                    }
                    case CONTINUE -> {
                        if (base.policy().equals("drop")) {
                            return new Verdict(Outcome.DROPPED, Optional.of(new Place(base.family(), base.table(),
                                    base.name(), OptionalInt.empty(), "policy drop", "")), base.qualified());
                        }
                    }
                    case ACCEPT -> {
                        // A source translation is the nat question's answer; any accept ends one base chain only.
                        if (nat && TRANSLATIONS.contains(result.place().statement())) {
                            return new Verdict(Outcome.ACCEPTED, Optional.of(result.place()), base.qualified());
                        }
                    }
                }
            }
            return Verdict.ACCEPTED;
        }

        private boolean choose(Point point) {
            int i = points.size();
            points.add(point);
            boolean choice = i < prefix.size() && prefix.get(i);
            choices.add(choice);
            return choice;
        }

        private Result chain(Ruleset.Chain chain, int depth) {
            if (depth > MAX_DEPTH) {
                return new Result(Kind.UNKNOWN, new Place(chain.family(), chain.table(), chain.name(),
                        OptionalInt.empty(), "jumps nested deeper than " + MAX_DEPTH, ""));
            }
            for (Ruleset.Rule rule : chain.rules()) {
                Result result = rule(chain, rule, depth);
                if (result != null) {
                    return result;
                }
            }
            return Result.CONTINUE;
        }

        /** The rule's result, or null to go on with the next rule. */
        private Result rule(Ruleset.Chain chain, Ruleset.Rule rule, int depth) {
            JsonNode unknown = null; // the first expression that could not be told, until a statement needs it
            for (JsonNode expr : rule.exprs()) {
                String kind = expr.fieldNames().hasNext() ? expr.fieldNames().next() : "";
                if (kind.equals("match")) {
                    Tri m = match(chain, expr.get("match"));
                    if (m == Tri.FALSE) {
                        return null;
                    }
                    if (m == Tri.UNKNOWN && unknown == null) {
                        unknown = expr;
                    }
                    continue;
                }
                if (PASSING.contains(kind)) {
                    continue; // statements that decide nothing
                }
                if (kind.equals("mangle")) {
                    JsonNode key = expr.get("mangle").path("key");
                    boolean metaMark = key.path("meta").path("key").asText().equals("mark");
                    boolean ctMark = key.path("ct").path("key").asText().equals("mark");
                    if (!metaMark && !ctMark) {
                        continue; // a header or priority rewrite: nothing the matches here read
                    }
                    // The mark is what later matches read: whether this rule set it must be decided first.
                    if (unknown != null) {
                        if (!choose(new Point(place(chain, rule, RuleText.expr(unknown))))) {
                            return null;
                        }
                        unknown = null;
                    }
                    metaMarkSet |= metaMark;
                    ctMarkSet |= ctMark;
                    continue;
                }
                boolean xtTarget = kind.equals("xt") && expr.get("xt").path("type").asText().equals("target");
                if (MATCH_LIKE.contains(kind) && !xtTarget) {
                    if (unknown == null) {
                        unknown = expr; // a match in a statement's clothes (rate, quota, an iptables extension)
                    }
                    continue;
                }
                // Everything below decides: resolve what could not be told first.
                if (unknown != null) {
                    if (!choose(new Point(place(chain, rule, RuleText.expr(unknown))))) {
                        return null;
                    }
                    unknown = null;
                }
                switch (kind) {
                    case "accept", "snat", "masquerade" -> {
                        return new Result(Kind.ACCEPT, place(chain, rule, kind));
                    }
                    case "drop", "reject" -> {
                        return new Result(Kind.DROP, place(chain, rule, kind));
                    }
                    case "return" -> {
                        return Result.CONTINUE;
                    }
                    case "continue" -> { }
                    case "jump", "goto" -> {
                        Result inner = jump(chain, expr.get(kind).path("target").asText(), depth);
                        if (inner.kind() != Kind.CONTINUE || kind.equals("goto")) {
                            return inner; // goto does not come back: the end of the target ends this chain too
                        }
                    }
                    case "vmap" -> {
                        Result mapped = vmap(chain, rule, expr.get("vmap"), depth);
                        if (mapped != null) {
                            return mapped;
                        }
                    }
                    default -> {
                        // dnat/redirect (the destination changes), queue (userspace decides), anything unknown
                        return new Result(Kind.UNKNOWN, place(chain, rule, RuleText.expr(expr)));
                    }
                }
            }
            return null;
        }

        private Result jump(Ruleset.Chain from, String target, int depth) {
            Ruleset.Chain next = indexed.besides(from).get(target);
            return next != null ? chain(next, depth + 1) : Result.CONTINUE;
        }

        /** A verdict map: the packet's key looked up among its elements; no element, no verdict. */
        private Result vmap(Ruleset.Chain chain, Ruleset.Rule rule, JsonNode vmap, int depth) {
            Object key = value(vmap.path("key"));
            if (key == NOT_THIS) {
                return null;
            }
            if (key == null) {
                return new Result(Kind.UNKNOWN, place(chain, rule, RuleText.expr(rule.exprs().getLast())));
            }
            JsonNode data = vmap.path("data");
            List<JsonNode> elements = new ArrayList<>();
            if (data.isTextual() && data.asText().startsWith("@")) {
                Optional<Ruleset.NamedSet> map = ruleset.set(chain.family(), chain.table(), data.asText().substring(1));
                if (map.isEmpty()) {
                    return new Result(Kind.UNKNOWN, place(chain, rule, "verdict map " + data.asText()
                            + " (not in the ruleset)"));
                }
                elements.addAll(map.get().elements());
            } else {
                data.path("set").forEach(elements::add);
            }
            for (JsonNode element : elements) {
                if (!element.isArray() || element.size() != 2) {
                    continue;
                }
                Tri in = contains(chain, element.get(0), key);
                if (in == Tri.UNKNOWN) {
                    return new Result(Kind.UNKNOWN, place(chain, rule, RuleText.expr(rule.exprs().getLast())));
                }
                if (in == Tri.TRUE) {
                    JsonNode verdict = element.get(1);
                    String kind = verdict.fieldNames().hasNext() ? verdict.fieldNames().next() : "";
                    return switch (kind) {
                        case "accept" -> new Result(Kind.ACCEPT, place(chain, rule, "accept"));
                        case "drop", "reject" -> new Result(Kind.DROP, place(chain, rule, kind + " (verdict map)"));
                        case "jump", "goto" -> jump(chain, verdict.get(kind).path("target").asText(), depth);
                        case "return" -> Result.CONTINUE;
                        case "continue" -> null;
                        default -> new Result(Kind.UNKNOWN, place(chain, rule, verdict.toString()));
                    };
                }
            }
            return null;
        }

        private static Place place(Ruleset.Chain chain, Ruleset.Rule rule, String statement) {
            return new Place(chain.family(), chain.table(), chain.name(), Ruleset.handle(rule), statement,
                    RuleText.of(rule.exprs()));
        }

        private Tri match(Ruleset.Chain chain, JsonNode match) {
            String op = match.path("op").asText("==");
            Object value = value(match.path("left"));
            if (value == NOT_THIS) {
                return Tri.FALSE; // a match on a header this packet does not have implies that protocol
            }
            if (value == null) {
                return Tri.UNKNOWN;
            }
            JsonNode right = match.path("right");
            if (ORDERING.contains(op)) {
                if (!(value instanceof Integer v) || !right.isNumber()) {
                    return Tri.UNKNOWN;
                }
                int r = right.asInt();
                boolean holds = switch (op) {
                    case "<" -> v < r;
                    case ">" -> v > r;
                    case "<=" -> v <= r;
                    default -> v >= r;
                };
                return holds ? Tri.TRUE : Tri.FALSE;
            }
            if (!EQUALITY.contains(op)) {
                return Tri.UNKNOWN;
            }
            if (value instanceof CtStatus) {
                return ctStatus(right, op);
            }
            Tri in = contains(chain, right, value);
            if (in == Tri.UNKNOWN || !op.equals("!=")) {
                return in;
            }
            return in == Tri.TRUE ? Tri.FALSE : Tri.TRUE;
        }

        /** No DNAT or SNAT is followed, so a packet carries neither status bit; other bits cannot be told. */
        private static Tri ctStatus(JsonNode right, String op) {
            List<String> bits = new ArrayList<>();
            if (right.isArray()) {
                right.forEach(b -> bits.add(b.asText()));
            } else if (right.isTextual()) {
                bits.add(right.asText());
            } else {
                return Tri.UNKNOWN;
            }
            if (!NAT_STATUS.containsAll(bits)) {
                return Tri.UNKNOWN;
            }
            return op.equals("!=") ? Tri.TRUE : Tri.FALSE;
        }

        /** Marker for a match on a header the packet does not have. */
        private static final Object NOT_THIS = new Object();

        /** Marker for ct status. */
        private record CtStatus() {}

        /** The packet's value for an expression: NOT_THIS, null when it cannot be told. */
        private Object value(JsonNode left) {
            if (left.has("payload")) {
                String protocol = left.get("payload").path("protocol").asText();
                String field = left.get("payload").path("field").asText();
                switch (protocol) {
                    case "ip" -> {
                        return switch (field) {
                            case "saddr" -> packet.saddr();
                            case "daddr" -> packet.daddr();
                            case "protocol" -> packet.l4proto();
                            default -> null;
                        };
                    }
                    case "udp", "tcp", "th" -> {
                        if (protocol.equals("th") ? !TRANSPORTS.contains(packet.l4proto())
                                : !protocol.equals(packet.l4proto())) {
                            return NOT_THIS;
                        }
                        int port = switch (field) {
                            case "dport" -> packet.dport();
                            case "sport" -> packet.sport();
                            default -> Packet.UNKNOWN_PORT;
                        };
                        return port == Packet.UNKNOWN_PORT ? null : (Object) port;
                    }
                    default -> {
                        return OTHER_HEADERS.contains(protocol) ? NOT_THIS : null;
                    }
                }
            }
            if (left.has("&") || left.has("|")) {
                boolean and = left.has("&");
                JsonNode operands = left.get(and ? "&" : "|");
                Object v = value(operands.path(0));
                if (v == NOT_THIS || !(v instanceof Integer a) || !operands.path(1).isInt()) {
                    return v == NOT_THIS ? NOT_THIS : null;
                }
                return and ? a & operands.get(1).asInt() : a | operands.get(1).asInt();
            }
            if (left.has("meta")) {
                return switch (left.get("meta").path("key").asText()) {
                    // No mark unless a rule on the way set one: flannel's packets come from a NIC or a bridge port.
                    case "mark" -> metaMarkSet ? null : (Object) 0;
                    case "iifname" -> packet.iif();
                    case "oifname" -> packet.path().equals("input") ? NOT_THIS : packet.oif();
                    case "l4proto" -> packet.l4proto();
                    case "nfproto" -> "ipv4";
                    case "protocol" -> "ip";
                    case "pkttype" -> "host";
                    default -> null;
                };
            }
            if (left.has("ct")) {
                return switch (left.get("ct").path("key").asText()) {
                    case "state" -> packet.ctState();
                    case "status" -> new CtStatus();
                    // A new connection's mark is 0 unless set on its way; an established one's may have been set by
                    // an earlier packet wherever the ruleset sets connection marks at all.
                    case "mark" -> ctMarkSet || (!packet.ctState().equals("new") && indexed.setsCtMark()) ? null
                            : (Object) 0;
                    default -> null;
                };
            }
            return null;
        }

        private Tri contains(Ruleset.Chain chain, JsonNode right, Object value) {
            if (right.isArray()) {
                Tri out = Tri.FALSE;
                for (JsonNode item : right) {
                    Tri t = contains(chain, item, value);
                    if (t == Tri.TRUE) {
                        return Tri.TRUE;
                    }
                    if (t == Tri.UNKNOWN) {
                        out = Tri.UNKNOWN;
                    }
                }
                return out;
            }
            if (right.isObject() && right.has("set")) {
                return contains(chain, right.get("set"), value);
            }
            if (right.isObject() && right.has("elem")) {
                return contains(chain, right.get("elem").path("val"), value);
            }
            if (right.isTextual() && right.asText().startsWith("@")) {
                Optional<Ruleset.NamedSet> set = ruleset.set(chain.family(), chain.table(), right.asText().substring(1));
                if (set.isEmpty() || set.get().map()) {
                    return Tri.UNKNOWN;
                }
                return contains(chain, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode()
                        .addAll(set.get().elements()), value);
            }
            if (right.isObject() && right.has("prefix") && value instanceof Ipv4 address) {
                JsonNode p = right.get("prefix");
                Ipv4 network = ipv4OrNull(p.path("addr").asText());
                int length = p.path("len").asInt();
                if (network == null || length < 0 || length > 32) {
                    return Tri.FALSE; // an IPv6 prefix
                }
                int mask = new Ipv4Prefix(network, length).mask();
                return addressWithin(address, network.bits() & mask, (network.bits() & mask) | ~mask);
            }
            if (right.isObject() && right.has("range")) {
                JsonNode r = right.get("range");
                if (value instanceof Integer port && r.get(0).isNumber()) {
                    return tri(port >= r.get(0).asInt() && port <= r.get(1).asInt());
                }
                if (value instanceof Ipv4 address) {
                    Ipv4 a = ipv4OrNull(r.get(0).asText());
                    Ipv4 b = ipv4OrNull(r.get(1).asText());
                    return a == null || b == null ? Tri.FALSE : addressWithin(address, a.bits(), b.bits());
                }
                return Tri.UNKNOWN;
            }
            if (right.isNumber()) {
                return value instanceof Integer port ? tri(port == right.asInt()) : Tri.UNKNOWN;
            }
            if (right.isTextual()) {
                String text = right.asText();
                if (value instanceof Ipv4 address) {
                    Ipv4 literal = ipv4OrNull(text);
                    return literal == null ? Tri.FALSE // an IPv6 address
                            : addressWithin(address, literal.bits(), literal.bits());
                }
                if (value instanceof Integer port) {
                    return text.chars().allMatch(Character::isDigit) ? tri(Integer.toString(port).equals(text))
                            : Tri.UNKNOWN; // a service name
                }
                String v = value.toString();
                // nft's interface wildcards: "veth*" matches every name starting with veth.
                return tri(text.endsWith("*") ? v.startsWith(text.substring(0, text.length() - 1)) : v.equals(text));
            }
            return Tri.UNKNOWN;
        }

        /** Whether the packet's address lies in [low, high] (unsigned), the test noted for {@link Verdicts}. */
        private Tri addressWithin(Ipv4 address, int low, int high) {
            boolean held = Test.within(address.bits(), low, high);
            boolean source = address == packet.saddr();
            if (source == (address == packet.daddr())) {
                reads.untracked = true; // one object for both addresses (or neither): which one was tested is unknown
            }
            reads.tests.add(new Test(source, low, high, held));
            return tri(held);
        }

        /**
         * A rule's IPv4 literal, or null when it is not one (IPv6): {@link Ipv4#parse}'s answer, read without
         * splitting or throwing for the plain dotted quads rules hold, since every packet of a pass reads them again.
         */
        private static Ipv4 ipv4OrNull(String text) {
            int bits = 0;
            int octets = 0;
            int octet = -1;
            int digits = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c >= '0' && c <= '9' && digits < 3) {
                    octet = (octet < 0 ? 0 : octet * 10) + (c - '0');
                    digits++;
                } else if (c == '.' && octet >= 0 && octet <= 255 && octets < 3) {
                    bits = (bits << 8) | octet;
                    octets++;
                    octet = -1;
                    digits = 0;
                } else {
                    return slowIpv4OrNull(text); // anything unusual: the parser itself decides
                }
            }
            if (octets != 3 || octet < 0 || octet > 255) {
                return slowIpv4OrNull(text);
            }
            return new Ipv4((bits << 8) | octet);
        }

        private static Ipv4 slowIpv4OrNull(String text) {
            try {
                return Ipv4.parse(text);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        private static Tri tri(boolean b) {
            return b ? Tri.TRUE : Tri.FALSE;
        }
    }
}
