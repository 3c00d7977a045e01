package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.RoutingRule;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The kernel's route lookup through the policy rules (fib_rules_lookup): the rules in priority order, each rule's
 * selectors, its action, and a lookup in its table (longest prefix first, {@link RouteTable}); a throw route, a
 * suppressed result or a table without a match goes on to the next rule. The packet carries no mark and tos 0, as
 * pod traffic and flannel's VXLAN packets do.
 *
 * <p>Decisions are memoised by what the rules can tell apart: the source address and the input device only when some
 * rule selects on them, so the way back from every peer (each from its own address) is one lookup per pass. One
 * instance per snapshot and thread: the memo is not synchronised.
 */
final class PolicyRouting {
    private static final int MAX_STEPS = 1024;
    private static final Lookup NONE = new Lookup(Optional.empty(), Optional.empty(), Optional.empty());

    /** What one lookup asks: the packet's addresses, the device it came in on ("lo" when sent here), the output device if bound. */
    record Flow(Ipv4 src, Ipv4 dst, String iif, Optional<String> oif) {}

    /**
     * The answer: a route (of any type) found through a rule, a rule whose action refuses the packet, nothing, or
     * "cannot tell" when a rule on the way selects on something this class does not model.
     */
    record Lookup(Optional<Route> route, Optional<RoutingRule> rule, Optional<RoutingRule> unmodelled) {
        boolean found() {
            return route.isPresent();
        }

        /** The rule's action refused the packet (blackhole, unreachable, prohibit rule). */
        boolean refusedByRule() {
            return route.isEmpty() && rule.isPresent();
        }
    }

    private final List<RoutingRule> rules;
    private final RouteTable[] tables; // each rule's table, resolved once
    private final Optional<RoutingRule>[] ruleFound; // each rule, as a lookup names it
    private final Namespace ns;
    private final boolean rulesSeeSource;
    private final boolean rulesSeeIif;
    private final Memo memo;
    private final java.util.function.Predicate<Route> usableUnbound = r -> usable(r, null);

    PolicyRouting(Namespace ns, List<RoutingRule> rules) {
        this.ns = ns;
        this.rules = rules;
        this.tables = new RouteTable[rules.size()];
        @SuppressWarnings("unchecked")
        Optional<RoutingRule>[] found = new Optional[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            tables[i] = ns.table(rules.get(i).table());
            found[i] = Optional.of(rules.get(i));
        }
        this.ruleFound = found;
        this.memo = new Memo(ns.routeCount());
        boolean src = false;
        boolean iif = false;
        for (RoutingRule rule : rules) {
            src |= rule.src().isPresent();
            iif |= rule.iif().isPresent();
        }
        rulesSeeSource = src;
        rulesSeeIif = iif;
    }

    Lookup lookup(Flow flow) {
        int src = rulesSeeSource ? flow.src().bits() : 0;
        String iif = rulesSeeIif ? flow.iif() : "";
        String oif = flow.oif().orElse(null);
        Lookup known = memo.get(src, flow.dst().bits(), iif, oif);
        if (known == null) {
            known = decide(flow);
            memo.put(src, flow.dst().bits(), iif, oif, known);
        }
        return known;
    }

    /** The lookup of an unbound flow (no output device), without building the flow unless it must be decided. */
    Lookup lookup(Ipv4 src, Ipv4 dst, String iif) {
        Lookup known = memo.get(rulesSeeSource ? src.bits() : 0, dst.bits(), rulesSeeIif ? iif : "", null);
        return known != null ? known : lookup(new Flow(src, dst, iif, Optional.empty()));
    }

    private Lookup decide(Flow flow) {
        String oif = flow.oif().orElse(null);
        int steps = 0;
        for (int i = 0; i < rules.size() && steps++ < MAX_STEPS; i++) {
            RoutingRule rule = rules.get(i);
            if (rule.otherSelectors()) {
                return new Lookup(Optional.empty(), Optional.empty(), Optional.of(rule));
            }
            if (!matches(rule, flow, oif)) {
                continue;
            }
            switch (rule.action()) {
                case TO_TABLE -> {
                    Route found = tables[i].longestMatch(flow.dst().bits(),
                            oif == null ? usableUnbound : r -> usable(r, oif));
                    if (found == null || found.type() == Route.Type.THROW) {
                        continue;
                    }
                    if (rule.suppressPrefixlen() >= 0 && found.dst().length() <= rule.suppressPrefixlen()) {
                        continue;
                    }
                    return new Lookup(Optional.of(found), ruleFound[i], Optional.empty());
                }
                case GOTO -> {
                    int target = i;
                    while (target + 1 < rules.size() && rules.get(target + 1).priority() < rule.gotoTarget()) {
                        target++;
                    }
                    i = target; // the loop's i++ lands on the first rule at or after the target priority
                }
                case BLACKHOLE, UNREACHABLE, PROHIBIT -> {
                    return new Lookup(Optional.empty(), Optional.of(rule), Optional.empty());
                }
                default -> { } // nop: next rule
            }
        }
        return NONE;
    }

    /** fib_rule_match and fib4_rule_match: every selector the rule has, then its inversion. */
    private static boolean matches(RoutingRule rule, Flow flow, String oif) {
        boolean match = (rule.iif().isEmpty() || rule.iif().get().equals(flow.iif()))
                && (rule.oif().isEmpty() || rule.oif().get().equals(oif))
                && (rule.fwmark() & rule.fwmask()) == 0 // the packet's mark is 0
                && (rule.src().isEmpty() || rule.src().get().contains(flow.src()))
                && (rule.dst().isEmpty() || rule.dst().get().contains(flow.dst()))
                && rule.tos() == 0;
        return rule.invert() != match;
    }

    /**
     * Routes the kernel's FIB would consider: not dead, a unicast route's device up, and (for a flow bound to a
     * device, as fib_table_lookup filters next hops by flowi4_oif) out of that device.
     */
    private boolean usable(Route route, String oif) {
        if (route.has(Route.Flag.DEAD)) {
            return false;
        }
        if (route.type() != Route.Type.UNICAST) {
            return true;
        }
        if (route.dev().isEmpty()) {
            return oif == null; // multipath: its next hops are not in the snapshot
        }
        Link dev = ns.linkNamed(route.dev().get().name());
        if (dev == null || !dev.isUp()) {
            return false;
        }
        return oif == null || dev.name().equals(oif);
    }

    /** Decisions by (source, destination, input device, output device), open addressing over arrays. */
    private static final class Memo {
        private long[] addresses;
        private String[] iifs;
        private String[] oifs;
        private Lookup[] answers;
        private int size;

        /** @param expected about how many decisions a pass asks (a few per peer: a node has a route per peer) */
        Memo(int expected) {
            int capacity = Integer.highestOneBit(Math.max(16, expected) * 4 - 1) << 1;
            addresses = new long[capacity];
            iifs = new String[capacity];
            oifs = new String[capacity];
            answers = new Lookup[capacity];
        }

        Lookup get(int src, int dst, String iif, String oif) {
            long key = key(src, dst);
            for (int slot = slot(key, iif, answers.length); answers[slot] != null; slot = (slot + 1) & (answers.length - 1)) {
                if (addresses[slot] == key && iifs[slot].equals(iif) && Objects.equals(oifs[slot], oif)) {
                    return answers[slot];
                }
            }
            return null;
        }

        void put(int src, int dst, String iif, String oif, Lookup answer) {
            if ((size + 1) * 2 > answers.length) {
                grow();
            }
            insert(key(src, dst), iif, oif, answer);
            size++;
        }

        private void insert(long key, String iif, String oif, Lookup answer) {
            int slot = slot(key, iif, answers.length);
            while (answers[slot] != null) {
                slot = (slot + 1) & (answers.length - 1);
            }
            addresses[slot] = key;
            iifs[slot] = iif;
            oifs[slot] = oif;
            answers[slot] = answer;
        }

        private void grow() {
            long[] oldAddresses = addresses;
            String[] oldIifs = iifs;
            String[] oldOifs = oifs;
            Lookup[] oldAnswers = answers;
            int capacity = answers.length * 2;
            addresses = new long[capacity];
            iifs = new String[capacity];
            oifs = new String[capacity];
            answers = new Lookup[capacity];
            for (int i = 0; i < oldAnswers.length; i++) {
                if (oldAnswers[i] != null) {
                    insert(oldAddresses[i], oldIifs[i], oldOifs[i], oldAnswers[i]);
                }
            }
        }

        private static long key(int src, int dst) {
            return ((long) src << 32) | Integer.toUnsignedLong(dst);
        }

        private static int slot(long key, String iif, int capacity) {
            long h = (key ^ iif.hashCode()) * 0x9E37_79B9_7F4A_7C15L;
            return (int) (h >>> 32) & (capacity - 1);
        }
    }
}
