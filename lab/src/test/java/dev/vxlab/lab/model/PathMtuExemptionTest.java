package dev.vxlab.lab.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.model.DataplaneModel;
import dev.vxlab.detectors.model.Exchange;
import dev.vxlab.detectors.model.Transfer;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.KernelEdits;
import dev.vxlab.lab.fault.Fault;
import dev.vxlab.lab.fault.FaultCatalog;
import dev.vxlab.lab.spec.ClusterSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The differential tests' one exception, bounded: only under a lowered eth0 of the flow's source, and only a few cells. */
class PathMtuExemptionTest {
    private static final ClusterSpec SPEC = ClusterSpec.field(3);

    /**
     * Node 0 fetches 19 KB from node 1's cni0 address while node 0's eth0 (a veth, as on the netns backend) is at 1400:
     * the replies die at its eth0. A veth is what drops a received frame over its MTU; the seeded plan may make eth0 a
     * NIC, so the test says which.
     */
    private static Exchange fetchOverALoweredEth0() {
        HealthyNodes cluster = HealthyNodes.of(ClusterPlan.field(3));
        Map<String, NodeState> states = new LinkedHashMap<>();
        for (String node : cluster.names()) {
            states.put(node, cluster.state(node));
        }
        String source = cluster.names().getFirst();
        NodeState vethEth0 = KernelEdits.mapLink(states.get(source), "eth0", link -> new Link(link.index(), link.name(),
                Optional.of("veth"), link.mac(), link.mtu(), link.flags(), link.operState(), link.master(), link.vxlan(),
                link.counters()));
        states.put(source, KernelEdits.setMtu(vethEth0, "eth0", 1400));
        return DataplaneModel.of(states, Map.of(), List.of()).exchange(source,
                cluster.view().nodes().get(1).podCidr().host(1), Transfer.LARGE_REPLY);
    }

    @Test
    void aFrameTooBigAtTheSourceIsExemptedOnlyWhereAFaultLoweredThatNodesEth0() {
        Exchange exchange = fetchOverALoweredEth0();
        assertThat(exchange.dependsOnLearnedPathMtu()).as(exchange.render()).isTrue();

        assertThat(PathMtuExemption.exempt(exchange, Set.of(exchange.source()))).isTrue();
        assertThat(PathMtuExemption.exempt(exchange, Set.of())).as("no MTU fault in place").isFalse();
        assertThat(PathMtuExemption.exempt(exchange, Set.of("172.31.159.21"))).as("another node's eth0").isFalse();
    }

    @Test
    void onlyAnMtuResetBelowTheUnderlayMtuOfEth0LowersAnUnderlay() {
        String f = SPEC.nodes().getFirst().name();
        String peer = SPEC.nodes().get(1).name();
        List<Fault> faults = List.of(
                FaultCatalog.create("mtu-reset", "0", Map.of(), SPEC), // eth0 at 1400 by default
                FaultCatalog.create("mtu-reset", "1", Map.of("device", "flannel.1", "mtu", "1300"), SPEC),
                FaultCatalog.create("mtu-reset", "2", Map.of("device", "eth0", "mtu", "1500"), SPEC), // not lower
                FaultCatalog.create("vtep-mac-drift", "1", Map.of(), SPEC));
        assertThat(PathMtuExemption.loweredUnderlays(faults, SPEC)).containsExactly(f);
        assertThat(PathMtuExemption.loweredUnderlays(faults.subList(1, 4), SPEC)).isEmpty();
        assertThat(PathMtuExemption.loweredUnderlays(List.of(FaultCatalog.create("mtu-reset", peer,
                Map.of("mtu", "1497"), SPEC)), SPEC)).containsExactly(peer);
    }

    @Test
    void exemptedCellsMustStayASmallShare() {
        assertThat(PathMtuExemption.shareProblem(0, 0)).isEmpty();
        assertThat(PathMtuExemption.shareProblem(5, 100)).isEmpty();
        assertThat(PathMtuExemption.shareProblem(6, 100)).contains("6 of 100 cells were exempted", "more than 5%");
        assertThat(PathMtuExemption.shareProblem(4, 30)).as("one case alone may exceed it").isNotEmpty();
    }
}
