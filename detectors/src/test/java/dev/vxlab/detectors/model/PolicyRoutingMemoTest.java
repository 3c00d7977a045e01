package dev.vxlab.detectors.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.RoutingRule;
import dev.vxlab.detectors.state.Scope;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.KernelEdits;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * PolicyRouting remembers its decisions for a pass by what the rules can tell apart: asking again gives the same
 * answer, and flows that differ only where a rule looks (source, input device, output device) are not confused.
 */
class PolicyRoutingMemoTest {
    private static final int TABLE = 100;
    private final HealthyNodes cluster = HealthyNodes.of(ClusterPlan.field(4));
    private final String self = cluster.names().getFirst();
    private final Ipv4 far = Ipv4.parse("198.51.100.7");

    private NodeState withBlackholeTable(RoutingRule rule) {
        Route blackhole = new Route(TABLE, Route.Type.BLACKHOLE, Ipv4Prefix.parse("0.0.0.0/0"), Optional.empty(),
                Optional.empty(), 0, Scope.UNIVERSE, Route.Protocol.BOOT, Optional.empty(), 0);
        NodeState s = KernelEdits.routes(cluster.state(self), r -> true, List.of(blackhole));
        List<RoutingRule> rules = new ArrayList<>(s.rules());
        rules.add(rule);
        return s.withRules(rules);
    }

    private static RoutingRule rule(Optional<Ipv4Prefix> src, Optional<String> iif) {
        return new RoutingRule(100, RoutingRule.Action.TO_TABLE, TABLE, src, Optional.empty(), false, iif,
                Optional.empty(), 0, 0, 0, -1, 0, false);
    }

    private static PolicyRouting routing(NodeState s) {
        return new PolicyRouting(new Namespace("node", s), s.rules());
    }

    private static boolean blackholed(PolicyRouting.Lookup lookup) {
        return lookup.route().filter(r -> r.type() == Route.Type.BLACKHOLE).isPresent();
    }

    @Test
    void sourcesARuleSelectsOnAreToldApartWhateverTheOrderAsked() {
        PolicyRouting routing = routing(withBlackholeTable(rule(Optional.of(Ipv4Prefix.parse("10.99.0.0/16")),
                Optional.empty())));
        PolicyRouting.Flow inside = new PolicyRouting.Flow(Ipv4.parse("10.99.1.1"), far, "lo", Optional.empty());
        PolicyRouting.Flow outside = new PolicyRouting.Flow(Ipv4.parse("10.98.1.1"), far, "lo", Optional.empty());
        assertThat(blackholed(routing.lookup(outside))).isFalse();
        assertThat(blackholed(routing.lookup(inside))).isTrue();
        assertThat(blackholed(routing.lookup(outside))).isFalse();
        assertThat(routing.lookup(inside)).isSameAs(routing.lookup(inside));
    }

    @Test
    void inputDevicesARuleSelectsOnAreToldApart() {
        PolicyRouting routing = routing(withBlackholeTable(rule(Optional.empty(), Optional.of("eth9"))));
        Ipv4 src = Ipv4.parse("10.98.1.1");
        assertThat(blackholed(routing.lookup(new PolicyRouting.Flow(src, far, "lo", Optional.empty())))).isFalse();
        assertThat(blackholed(routing.lookup(new PolicyRouting.Flow(src, far, "eth9", Optional.empty())))).isTrue();
        assertThat(blackholed(routing.lookup(new PolicyRouting.Flow(src, far, "lo", Optional.empty())))).isFalse();
    }

    @Test
    void manyDecisionsOutgrowTheMemoWithoutLosingOne() {
        NodeState s = cluster.state(self);
        PolicyRouting routing = routing(s);
        PolicyRouting fresh = routing(s);
        List<PolicyRouting.Flow> flows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            flows.add(new PolicyRouting.Flow(Ipv4.parse("10.1.0.2"), new Ipv4(Ipv4.parse("10.0.0.0").bits() + i * 7),
                    i % 2 == 0 ? "cni0" : "lo", i % 3 == 0 ? Optional.of("eth0") : Optional.empty()));
        }
        flows.forEach(routing::lookup);
        for (PolicyRouting.Flow flow : flows) {
            assertThat(routing.lookup(flow)).isEqualTo(fresh.lookup(flow));
        }
    }
}
