package dev.vxlab.detectors.addr;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.state.LinkRef;
import dev.vxlab.detectors.state.RoutingRule;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.Scope;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The value records whose equals and hashCode are written out (for C1) keep a record's contract: equal components,
 * equal values and hashes; any component different, not equal; another type, not equal.
 */
class ValueEqualityTest {

    @Test
    void writtenOutEqualityIsTheRecordsContract() {
        assertValues(Ipv4.parse("10.244.1.0"), Ipv4.parse("10.244.1.0"), Ipv4.parse("10.244.1.1"));
        assertValues(Ipv4Prefix.parse("10.244.1.0/24"), Ipv4Prefix.parse("10.244.1.0/24"),
                Ipv4Prefix.parse("10.244.1.0/25"));
        assertValues(Ipv4Prefix.parse("10.244.1.0/24"), Ipv4Prefix.parse("10.244.1.0/24"),
                Ipv4Prefix.parse("10.244.2.0/24"));
        assertValues(new Ipv4Prefix(null, 0), new Ipv4Prefix(null, 0), new Ipv4Prefix(Ipv4.parse("0.0.0.0"), 0));
        assertValues(MacAddress.parse("b6:9b:ed:b0:37:74"), MacAddress.parse("b6:9b:ed:b0:37:74"),
                MacAddress.parse("b6:9b:ed:b0:37:75"));
        assertValues(new LinkRef(4, "flannel.1"), new LinkRef(4, "flannel.1"), new LinkRef(4, "flannel.2"));
        assertValues(new LinkRef(4, "flannel.1"), new LinkRef(4, "flannel.1"), new LinkRef(5, "flannel.1"));
        assertValues(new Scope(253), new Scope(253), new Scope(254));
    }

    @Test
    void aRoutingRuleDiffersByEachOfItsComponents() {
        Ipv4Prefix net = Ipv4Prefix.parse("10.0.0.0/8");
        RoutingRule base = new RoutingRule(100, RoutingRule.Action.TO_TABLE, 7, java.util.Optional.of(net),
                java.util.Optional.empty(), false, java.util.Optional.of("cni0"), java.util.Optional.empty(), 1, 2, 0,
                -1, 0, false);
        RoutingRule copy = new RoutingRule(100, RoutingRule.Action.TO_TABLE, 7, java.util.Optional.of(
                Ipv4Prefix.parse("10.0.0.0/8")), java.util.Optional.empty(), false, java.util.Optional.of("cni0"),
                java.util.Optional.empty(), 1, 2, 0, -1, 0, false);
        assertThat(base).isEqualTo(copy).hasSameHashCodeAs(copy);
        var o = java.util.Optional.<Ipv4Prefix>empty();
        var s = java.util.Optional.<String>empty();
        List<RoutingRule> variants = List.of(
                new RoutingRule(101, base.action(), 7, base.src(), o, false, base.iif(), s, 1, 2, 0, -1, 0, false),
                new RoutingRule(100, RoutingRule.Action.values()[(base.action().ordinal() + 1)
                        % RoutingRule.Action.values().length], 7, base.src(), o, false, base.iif(), s, 1, 2, 0, -1, 0,
                        false),
                new RoutingRule(100, base.action(), 8, base.src(), o, false, base.iif(), s, 1, 2, 0, -1, 0, false),
                new RoutingRule(100, base.action(), 7, o, o, false, base.iif(), s, 1, 2, 0, -1, 0, false),
                new RoutingRule(100, base.action(), 7, base.src(), base.src(), false, base.iif(), s, 1, 2, 0, -1, 0,
                        false),
                new RoutingRule(100, base.action(), 7, base.src(), o, true, base.iif(), s, 1, 2, 0, -1, 0, false),
                new RoutingRule(100, base.action(), 7, base.src(), o, false, s, s, 1, 2, 0, -1, 0, false),
                new RoutingRule(100, base.action(), 7, base.src(), o, false, base.iif(), base.iif(), 1, 2, 0, -1, 0,
                        false),
                new RoutingRule(100, base.action(), 7, base.src(), o, false, base.iif(), s, 3, 2, 0, -1, 0, false),
                new RoutingRule(100, base.action(), 7, base.src(), o, false, base.iif(), s, 1, 3, 0, -1, 0, false),
                new RoutingRule(100, base.action(), 7, base.src(), o, false, base.iif(), s, 1, 2, 4, -1, 0, false),
                new RoutingRule(100, base.action(), 7, base.src(), o, false, base.iif(), s, 1, 2, 0, 0, 0, false),
                new RoutingRule(100, base.action(), 7, base.src(), o, false, base.iif(), s, 1, 2, 0, -1, 9, false),
                new RoutingRule(100, base.action(), 7, base.src(), o, false, base.iif(), s, 1, 2, 0, -1, 0, true));
        assertThat(variants).hasSize(RoutingRule.class.getRecordComponents().length)
                .allSatisfy(v -> assertThat(v).isNotEqualTo(base));
        assertValues(new dev.vxlab.detectors.state.Route.Protocol(3), dev.vxlab.detectors.state.Route.Protocol.BOOT,
                dev.vxlab.detectors.state.Route.Protocol.STATIC);
    }

    @Test
    void onlyTheDefaultRulesAreDefault() {
        assertThat(RoutingRule.DEFAULTS).allMatch(RoutingRule::isDefault);
        assertThat(RoutingRule.lookup(32766, 100).isDefault()).as("main's priority, another table").isFalse();
        assertThat(RoutingRule.lookup(100, Route.TABLE_MAIN).isDefault()).as("main, another priority").isFalse();
    }

    private static void assertValues(Object a, Object sameAsA, Object other) {
        assertThat(a).isEqualTo(sameAsA).hasSameHashCodeAs(sameAsA).isNotEqualTo(other).isNotEqualTo("text");
        assertThat(other).isNotEqualTo(a);
        assertThat(a).isNotEqualTo(null);
    }
}
