package dev.vxlab.detectors.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.KernelEdits;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The snapshot holds no policy rules, so a host that routes by policy (its default route, or its route to the peers,
 * in a table of its own) is given the benefit; only when no table has the route is it named.
 */
class UnderlayPolicyRoutingTest {
    private static final Doctor DOCTOR = Doctor.load();
    private final HealthyNodes cluster = HealthyNodes.of(ClusterPlan.field(3));
    private final String node = cluster.names().getFirst();

    private static Route inTable(Route r, int table) {
        return new Route(table, r.type(), r.dst(), r.gateway(), r.dev(), r.flags(), r.scope(), r.protocol(),
                r.prefsrc(), r.metric());
    }

    private List<String> faults(NodeState s) {
        return DOCTOR.examine(cluster.input(node, s)).findings().stream().map(Finding::fault).toList();
    }

    @Test
    void aDefaultRouteInAPolicyTableCountsAndNoneAnywhereIsNamed() {
        NodeState healthy = cluster.state(node);
        List<Route> defaults = healthy.routesIn(Route.TABLE_MAIN).stream().filter(Route::isDefault).toList();
        assertThat(defaults).hasSize(1);
        NodeState moved = KernelEdits.routes(healthy, r -> !(r.table() == Route.TABLE_MAIN && r.isDefault()),
                List.of(inTable(defaults.getFirst(), 100)));
        assertThat(faults(moved)).doesNotContain("default-route-missing");
        NodeState none = KernelEdits.routes(healthy, r -> !r.isDefault(), List.of());
        assertThat(faults(none)).contains("default-route-missing");
    }

    @Test
    void aPeersUnderlayRouteInAPolicyTableCounts() {
        NodeState healthy = cluster.state(node);
        // The underlay's connected route and the default route move to table 100; main has none for the peers.
        NodeState moved = KernelEdits.routes(healthy,
                r -> !(r.table() == Route.TABLE_MAIN && r.dev().filter(d -> d.name().equals("eth0")).isPresent()),
                healthy.routesIn(Route.TABLE_MAIN).stream()
                        .filter(r -> r.dev().filter(d -> d.name().equals("eth0")).isPresent())
                        .map(r -> inTable(r, 100)).toList());
        assertThat(faults(moved)).doesNotContain("underlay-route-missing", "default-route-missing");
        NodeState gone = KernelEdits.routes(healthy, r -> !r.dev().filter(d -> d.name().equals("eth0")).isPresent()
                || r.table() == Route.TABLE_LOCAL, List.of());
        assertThat(faults(gone)).contains("underlay-route-missing", "default-route-missing");
    }
}
