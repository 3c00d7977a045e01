package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.RoutingRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kernel's route lookup through the policy rules (fib_rules_lookup): the rules in priority order, each rule's
 * selectors, its action, and a lookup in its table (longest prefix first, {@link RouteTable}); a throw route, a
 * suppressed result or a table without a match goes on to the next rule. The packet carries no mark and tos 0, as
 * pod traffic and flannel's VXLAN packets do.
 */
final class PolicyRouting {
    private static final int MAX_STEPS = 1024;

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
    private final Map<Integer, RouteTable> tables = new HashMap<>();
    private final Map<String, Link> links = new HashMap<>();

    PolicyRouting(NodeState state) {
        this.rules = state.rules();
        Map<Integer, List<Route>> byTable = new HashMap<>();
        for (Route route : state.routes()) {
            byTable.computeIfAbsent(route.table(), k -> new ArrayList<>()).add(route);
        }
        byTable.forEach((id, routes) -> tables.put(id, new RouteTable(routes)));
        for (Link link : state.links()) {
            links.put(link.name(), link);
        }
    }

    Lookup lookup(Flow flow) {
        int steps = 0;
        for (int i = 0; i < rules.size() && steps++ < MAX_STEPS; i++) {
            RoutingRule rule = rules.get(i);
            if (rule.otherSelectors()) {
                return new Lookup(Optional.empty(), Optional.empty(), Optional.of(rule));
            }
            if (!matches(rule, flow)) {
                continue;
            }
            switch (rule.action()) {
                case TO_TABLE -> {
                    RouteTable table = tables.get(rule.table());
                    Optional<Route> found = table == null ? Optional.empty()
                            : table.longestMatch(flow.dst(), r -> usable(r, flow));
                    if (found.isEmpty() || found.get().type() == Route.Type.THROW) {
                        continue;
                    }
                    if (rule.suppressPrefixlen() >= 0 && found.get().dst().length() <= rule.suppressPrefixlen()) {
                        continue;
                    }
                    return new Lookup(found, Optional.of(rule), Optional.empty());
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
        return new Lookup(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** fib_rule_match and fib4_rule_match: every selector the rule has, then its inversion. */
    private static boolean matches(RoutingRule rule, Flow flow) {
        boolean match = rule.iif().map(flow.iif()::equals).orElse(true)
                && rule.oif().map(o -> flow.oif().filter(o::equals).isPresent()).orElse(true)
                && (rule.fwmark() & rule.fwmask()) == 0 // the packet's mark is 0
                && rule.src().map(p -> p.contains(flow.src())).orElse(true)
                && rule.dst().map(p -> p.contains(flow.dst())).orElse(true)
                && rule.tos() == 0;
        return rule.invert() != match;
    }

    /**
     * Routes the kernel's FIB would consider: not dead, a unicast route's device up, and (for a flow bound to a
     * device, as fib_table_lookup filters next hops by flowi4_oif) out of that device.
     */
    private boolean usable(Route route, Flow flow) {
        if (route.has(Route.Flag.DEAD)) {
            return false;
        }
        if (route.type() != Route.Type.UNICAST) {
            return true;
        }
        if (route.dev().isEmpty()) {
            return flow.oif().isEmpty(); // multipath: its next hops are not in the snapshot
        }
        Optional<Link> dev = route.dev().map(d -> links.get(d.name()));
        if (dev.isEmpty() || !dev.get().isUp()) {
            return false;
        }
        return flow.oif().map(dev.get().name()::equals).orElse(true);
    }
}
