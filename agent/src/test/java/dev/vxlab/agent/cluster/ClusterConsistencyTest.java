package dev.vxlab.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.cluster.ClusterReport;
import dev.vxlab.detectors.spi.FlannelConfig;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.KernelEdits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterConsistencyTest {
    private static final MacAddress DRIFTED = MacAddress.parse("b6:9b:ed:b0:37:74");

    private final HealthyNodes cluster = HealthyNodes.of(ClusterPlan.field(4));
    private final String self = cluster.names().get(0);
    private final ClusterConsistency consistency = new ClusterConsistency(self, FlannelConfig.DEFAULT);

    @Test
    void aHealthyNodeIsReportedConsistentOnceAndNotAgainForTheSameInput() {
        assertThat(consistency.report()).isEmpty();
        ClusterReport first = consistency.update(cluster.view(), cluster.state(self)).orElseThrow();
        assertThat(first.consistent()).isTrue();
        assertThat(first.nodes()).isEqualTo(4);
        assertThat(first.observed()).isEqualTo(1);
        assertThat(consistency.update(cluster.view(), cluster.state(self))).as("nothing new to say").isEmpty();
        assertThat(consistency.report()).contains(first);
    }

    @Test
    void theFieldBugThisNodesDeviceDriftedFromItsPublicationAndItsPeersAreInferredStale() {
        consistency.update(cluster.view(), cluster.state(self));
        NodeState drifted = KernelEdits.setMac(cluster.state(self), "flannel.1", DRIFTED);
        ClusterReport r = consistency.update(cluster.view(), drifted).orElseThrow();
        assertThat(r.consistent()).isFalse();
        assertThat(r.drifted()).singleElement().satisfies(d -> {
            assertThat(d.node()).isEqualTo(self);
            assertThat(d.device()).isEqualTo(DRIFTED.toString());
        });
        assertThat(r.toJson()).contains("\"consistent\" : false").contains(DRIFTED.toString());
        // flanneld's restart republishes the device's MAC: a new view object, consistent again
        List<AdvertisedNode> republished = new ArrayList<>(cluster.view().nodes());
        AdvertisedNode me = cluster.node(self);
        republished.set(republished.indexOf(me), new AdvertisedNode(me.name(), me.podCidr(), me.publicIp(), DRIFTED,
                me.backendType(), me.kubeSubnetManager()));
        assertThat(consistency.update(new ClusterView(republished), drifted)).hasValueSatisfying(
                after -> assertThat(after.consistent()).isTrue());
    }

    @Test
    void anotherNodePublishingThisNodesVtepMacIsADuplicateSeenFromHere() {
        List<AdvertisedNode> nodes = new ArrayList<>(cluster.view().nodes());
        AdvertisedNode other = nodes.get(1);
        nodes.set(1, new AdvertisedNode(other.name(), other.podCidr(), other.publicIp(), cluster.node(self).vtepMac(),
                other.backendType(), other.kubeSubnetManager()));
        ClusterReport r = consistency.update(new ClusterView(nodes), cluster.state(self)).orElseThrow();
        assertThat(r.duplicates()).singleElement().satisfies(d -> {
            assertThat(d.what()).isEqualTo("published VtepMAC");
            assertThat(d.nodes()).containsExactlyInAnyOrder(self, other.name());
        });
    }

    @Test
    void aNodeTheNodeListDoesNotHoldYetIsNotObservedButThePublicationIsStillChecked() {
        ClusterConsistency stranger = new ClusterConsistency("not-in-the-list", FlannelConfig.DEFAULT);
        ClusterReport r = stranger.update(cluster.view(), cluster.state(self)).orElseThrow();
        assertThat(r.observed()).isZero();
        assertThat(r.consistent()).isTrue();
    }
}
