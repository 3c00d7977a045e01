package dev.vxlab.detectors.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.ClusterPlan.Kernel;
import dev.vxlab.detectors.testkit.HealthyNodes;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** No false positives: every node of a healthy cluster, on every plan, kernel and size, gets no finding at all. */
class HealthyClusterTest {
    private static final Doctor DOCTOR = Doctor.load();

    static Stream<Arguments> clusters() {
        return Plans.all().stream().flatMap(plan -> IntStream.rangeClosed(2, 8)
                .mapToObj(n -> Arguments.of(plan.withNodes(n).withSeed(plan.seed() * 10 + n))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clusters")
    void aHealthyClusterHasNoFindingOnAnyNode(ClusterPlan plan) {
        HealthyNodes cluster = HealthyNodes.of(plan);
        for (String node : cluster.names()) {
            DetectionInput full = cluster.input(node);
            assertNoFinding(DOCTOR.examine(full));
            // Without subnet.env or an earlier snapshot the doctor judges by what it has, and still finds nothing.
            NodeState s = cluster.state(node);
            assertNoFinding(DOCTOR.examine(new DetectionInput(node, s, Optional.empty(), cluster.view(),
                    Optional.empty(), plan.flannel())));
        }
    }

    @Test
    void theOldKernelsExtraRoutesAndMissingCounterAreNormal() {
        HealthyNodes cluster = HealthyNodes.of(ClusterPlan.field(5));
        String node = "kylin-19";
        NodeState s = cluster.state(node);
        // The test means something only if the snapshot has what 4.19 shows (FIELD-BUG.md).
        assertThat(s.routesIn(Route.TABLE_LOCAL)).anySatisfy(r -> {
            assertThat(r.type()).isEqualTo(Route.Type.BROADCAST);
            assertThat(r.dst()).isEqualTo(Ipv4Prefix.parse("10.187.0.0/32"));
            assertThat(r.dev().orElseThrow().name()).isEqualTo("cni0");
        });
        assertThat(s.routesIn(Route.TABLE_LOCAL)).anySatisfy(r -> {
            assertThat(r.type()).isEqualTo(Route.Type.LOCAL);
            assertThat(r.dst()).isEqualTo(Ipv4Prefix.parse("10.187.0.0/32"));
            assertThat(r.dev().orElseThrow().name()).isEqualTo("flannel.1");
        });
        assertThat(s.link("flannel.1").orElseThrow().counters().orElseThrow().rxOtherhostDropped()).isEmpty();
        assertNoFinding(DOCTOR.examine(cluster.input(node)));
    }

    @Test
    void aRecentKernelCountsOtherhostDropsAndHasNoNetworkBroadcastRoute() {
        HealthyNodes cluster = HealthyNodes.of(ClusterPlan.field(5).withKernel(Kernel.RECENT));
        NodeState s = cluster.state("kylin-19");
        assertThat(s.routesIn(Route.TABLE_LOCAL)).noneMatch(r -> r.type() == Route.Type.BROADCAST
                && r.dst().equals(Ipv4Prefix.parse("10.187.0.0/32")));
        assertThat(s.link("flannel.1").orElseThrow().counters().orElseThrow().rxOtherhostDropped()).hasValue(0);
        assertNoFinding(DOCTOR.examine(cluster.input("kylin-19")));
    }

    @Test
    void aNodeWithAThousandPeersIsHealthyToo() {
        HealthyNodes cluster = HealthyNodes.of(ClusterPlan.of(1001, "172.20.0.0/16", 10, "10.0.0.0/8", 24, 7));
        String node = cluster.names().get(500);
        NodeState s = cluster.state(node);
        assertThat(s.fdb()).hasSize(1000);
        assertNoFinding(DOCTOR.examine(cluster.input(node)));
    }

    private static void assertNoFinding(Diagnosis d) {
        assertThat(d.findings()).as("findings on healthy node %s", d.node()).isEmpty();
        assertThat(d.healthy()).isTrue();
    }
}
