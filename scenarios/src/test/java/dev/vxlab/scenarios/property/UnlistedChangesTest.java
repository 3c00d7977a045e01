package dev.vxlab.scenarios.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.lab.spec.ClusterSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Property 5's generator and shrinker, without a kernel: bounds, commands, undo, and a planted failure. */
class UnlistedChangesTest {

    @Test
    void generatedCasesStayWithinBoundsAndReachEveryKind() {
        Set<String> kinds = new HashSet<>();
        Generator<UnlistedCase> cases = UnlistedChangeGenerator.cases(KernelTierTest.SCHEDULES_PER_CLUSTER);
        for (long seed = 0; seed < 2000; seed++) {
            UnlistedCase c = cases.next(Rng.of(seed));
            assertThat(c.changes()).hasSizeBetween(1, UnlistedChangeGenerator.MAX_CHANGES);
            assertThat(c.changes().stream().map(ch -> ch.kind() + "@" + ch.node())).doesNotHaveDuplicates();
            ClusterSpec spec = c.shape().spec();
            for (UnlistedChange ch : c.changes()) {
                kinds.add(ch.kind());
                assertThat(ch.highestNode()).isLessThan(c.shape().nodes());
                if (UnlistedChange.WITH_PEER.contains(ch.kind())) {
                    assertThat(ch.peer()).as("a peer is another node").isNotEqualTo(ch.node());
                }
                assertThat(ch.apply(spec)).isNotEmpty().allSatisfy(argv -> assertThat(argv).isNotEmpty());
                assertThat(ch.undo(spec).isEmpty()).as("only a sysctl is undone by the caller")
                        .isEqualTo(ch.sysctlKey(spec).isPresent());
            }
        }
        assertThat(kinds).containsExactlyInAnyOrderElementsOf(UnlistedChange.KINDS);
    }

    @Test
    void theCommandsAreWhatAPersonWouldType() {
        ClusterSpec spec = ClusterSpec.field(3);
        UnlistedChange rule = new UnlistedChange("rule-table", 0, Map.of("peer", "1", "type", "blackhole"));
        assertThat(rule.apply(spec)).containsExactly(
                List.of("ip", "route", "add", "blackhole", "10.187.1.0/24", "table", "100"),
                List.of("ip", "rule", "add", "to", "10.187.1.0/24", "table", "100", "prio", "50"));
        assertThat(rule.undo(spec)).containsExactly(List.of("ip", "rule", "del", "prio", "50"),
                List.of("ip", "route", "flush", "table", "100"));
        UnlistedChange sysctl = new UnlistedChange("sysctl", 2, Map.of("what", "net.ipv4.conf.flannel/1.forwarding=0"));
        assertThat(sysctl.sysctlKey(spec)).contains("net.ipv4.conf.flannel/1.forwarding");
        UnlistedChange route = new UnlistedChange("host-route", 0, Map.of("peer", "2"));
        String unused = UnlistedChange.unusedUnderlayAddress(spec).toString();
        assertThat(spec.nodes()).noneMatch(n -> n.publicIp().toString().equals(unused));
        assertThat(route.apply(spec)).singleElement().satisfies(argv -> assertThat(argv).contains("via", unused, "eth0"));
    }

    /** A planted failure: any rule-table change on node 1 fails, on any cluster. */
    private static boolean planted(UnlistedCase c) {
        return c.changes().stream().anyMatch(ch -> ch.kind().equals("rule-table") && ch.node() == 1);
    }

    @Test
    void aPlantedFailureShrinksToItsOneChangeOnTwoNodesOfTheFieldPlan() {
        UnlistedChange culprit = new UnlistedChange("rule-table", 1, Map.of("peer", "0", "type", "prohibit"));
        UnlistedCase failing = new UnlistedCase(new ClusterShape(AddressPlan.ALL.get(1), 6), List.of(
                new UnlistedChange("sysctl", 4, Map.of("what", "net.ipv4.conf.eth0.rp_filter=1")),
                culprit,
                new UnlistedChange("nft", 5, Map.of("peer", "3", "hook", "input", "match", "vxlan"))));
        UnlistedCase minimal = new UnlistedCaseShrinker().shrink(failing, UnlistedChangesTest::planted);
        assertThat(minimal).isEqualTo(new UnlistedCase(new ClusterShape(AddressPlan.FIELD, 2), List.of(culprit)));
    }
}
