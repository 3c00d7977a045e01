package dev.vxlab.detectors.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Sysctls;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.KernelEdits;
import dev.vxlab.detectors.testkit.Mutation;
import dev.vxlab.detectors.testkit.Target;
import java.util.List;
import org.junit.jupiter.api.Test;

/** path-broken names a cause nobody listed, and defers to the detectors that name one. */
class PathWalkDetectorTest {
    private final HealthyNodes cluster = HealthyNodes.of(ClusterPlan.field(4));
    private final String self = cluster.names().get(0);
    private final Target target = new Target(cluster, self);
    private final AdvertisedNode peer = cluster.node(cluster.names().get(2));

    @Test
    void namesThePeerTheHopAndWhy() {
        NodeState broken = new Mutation.PolicyBlackhole(peer.name()).apply(cluster.state(self), target);
        List<Finding> findings = Doctor.load().examine(cluster.input(self, broken)).findings();
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.fault()).isEqualTo(FaultIds.PATH_BROKEN);
            assertThat(f.device()).isEqualTo("flannel.1");
            assertThat(f.summary()).contains(peer.name() + " (" + peer.podCidr() + ")").contains("at route lookup")
                    .contains("via rule 50");
            assertThat(f.actual()).contains("dies at route lookup");
        });
    }

    @Test
    void defersToAFindingThatAlreadyNamesTheCause() {
        NodeState forwardingOff = KernelEdits.sysctls(cluster.state(self), new Sysctls(false, 0, 0, java.util.Map.of()));
        List<Finding> findings = Doctor.load().examine(cluster.input(self, forwardingOff)).findings();
        assertThat(findings).extracting(Finding::fault).containsExactly(FaultIds.IP_FORWARD_DISABLED);
        // Run alone, the walk does see it: the silence above is deference, not blindness.
        assertThat(new PathWalkDetector().examine(cluster.input(self, forwardingOff))).isNotEmpty()
                .allSatisfy(f -> assertThat(f.actual()).contains("ip_forward"));
    }

    @Test
    void aPeerNamedByAnotherFindingIsLeftToIt() {
        NodeState s = new Mutation.DropFdb(peer.name()).apply(cluster.state(self), target);
        List<Finding> findings = Doctor.load().examine(cluster.input(self, s)).findings();
        assertThat(findings).extracting(Finding::fault).doesNotContain(FaultIds.PATH_BROKEN).isNotEmpty();
    }
}
