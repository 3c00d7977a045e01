package dev.vxlab.detectors.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.cluster.ClusterReport.FixStep;
import dev.vxlab.detectors.cluster.ClusterReport.StaleHolder;
import dev.vxlab.detectors.spi.FlannelConfig;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.Severity;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.KernelEdits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterCorrelationTest {
    private static final MacAddress A = MacAddress.parse("ea:77:37:86:ee:bf");
    private static final MacAddress B = MacAddress.parse("0a:00:00:00:00:02");
    private static final MacAddress C = MacAddress.parse("0a:00:00:00:00:03");
    private static final MacAddress DRIFTED = MacAddress.parse("b6:9b:ed:b0:37:74");

    private static AdvertisedNode node(String name, int i, MacAddress mac) {
        return new AdvertisedNode(name, Ipv4Prefix.parse("10.187." + i + ".0/24"), Ipv4.parse("172.31.159." + (19 + i)),
                mac, "vxlan", true);
    }

    private static final ClusterView VIEW = new ClusterView(List.of(node("n0", 0, A), node("n1", 1, B),
            node("n2", 2, C)));

    /** What flannel programs on a node: every peer's published VtepMAC for its VTEP address. */
    private static Map<Ipv4, MacAddress> programmed(ClusterView view, String self) {
        Map<Ipv4, MacAddress> out = new HashMap<>();
        view.nodes().stream().filter(n -> !n.name().equals(self))
                .forEach(n -> out.put(n.podCidr().network(), n.vtepMac()));
        return out;
    }

    private static NodeObservation seen(ClusterView view, String name, MacAddress device) {
        AdvertisedNode n = view.byName(name).orElseThrow();
        return new NodeObservation(name, Optional.of(device), List.of(n.publicIp()),
                Optional.of(programmed(view, name)));
    }

    @Test
    void aHealthyClusterIsConsistentAndHasNothingToFix() {
        ClusterReport r = ClusterCorrelation.correlate(VIEW,
                List.of(seen(VIEW, "n0", A), seen(VIEW, "n1", B), seen(VIEW, "n2", C)));
        assertThat(r.consistent()).isTrue();
        assertThat(r.fixOrder()).isEmpty();
        assertThat(r.toText()).contains("3 nodes, 3 observed: consistent");
    }

    @Test
    void theFieldBugTheDriftedNodeIsReSyncedFirstItsPeersAreMerelyStale() {
        ClusterReport r = ClusterCorrelation.correlate(VIEW,
                List.of(seen(VIEW, "n0", DRIFTED), seen(VIEW, "n1", B), seen(VIEW, "n2", C)));
        assertThat(r.drifted()).singleElement().satisfies(d -> {
            assertThat(d.node()).isEqualTo("n0");
            assertThat(d.device()).isEqualTo(DRIFTED.toString());
            assertThat(d.published()).isEqualTo(A.toString());
        });
        assertThat(r.stale()).extracting(StaleHolder::holder).containsExactly("n1", "n2");
        assertThat(r.stale()).allSatisfy(s -> {
            assertThat(s.about()).isEqualTo("n0");
            assertThat(s.held()).isEqualTo(A.toString());
            assertThat(s.becauseDrifted()).isTrue();
            assertThat(s.observed()).isTrue();
        });
        assertThat(r.fixOrder()).extracting(FixStep::node, FixStep::fix)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("n0", "flannel-resync"));
        assertThat(r.fixOrder().getFirst().why()).contains("2 stale peer(s)").contains("first");
        assertThat(r.duplicates()).isEmpty();
    }

    @Test
    void clonedNodesSharingAPublishedVtepMacAreNamedAndAllButTheFirstGetANewOne() {
        ClusterView cloned = new ClusterView(List.of(node("n0", 0, A), node("n1", 1, A), node("n2", 2, C)));
        ClusterReport r = ClusterCorrelation.correlate(cloned,
                List.of(seen(cloned, "n0", A), seen(cloned, "n1", A), seen(cloned, "n2", C)));
        assertThat(r.duplicates()).extracting(ClusterReport.Duplicate::what)
                .containsExactly("published VtepMAC", "device MAC");
        assertThat(r.duplicates()).allSatisfy(d -> {
            assertThat(d.value()).isEqualTo(A.toString());
            assertThat(d.nodes()).containsExactly("n0", "n1");
        });
        assertThat(r.drifted()).isEmpty();
        assertThat(r.stale()).isEmpty();
        assertThat(r.fixOrder()).extracting(FixStep::node, FixStep::fix)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("n1", "regenerate-vtep-mac"));
    }

    @Test
    void aPeerThatMissedAPublicationIsStaleOnItsOwnAndFixedLast() {
        Map<Ipv4, MacAddress> old = programmed(VIEW, "n2");
        old.put(Ipv4.parse("10.187.1.0"), MacAddress.parse("0a:00:00:00:00:99"));
        List<NodeObservation> obs = new ArrayList<>(List.of(seen(VIEW, "n0", DRIFTED), seen(VIEW, "n1", B)));
        obs.add(new NodeObservation("n2", Optional.of(C), List.of(), Optional.of(old)));
        ClusterReport r = ClusterCorrelation.correlate(VIEW, obs);
        assertThat(r.stale()).filteredOn(s -> s.about().equals("n1")).singleElement().satisfies(s -> {
            assertThat(s.holder()).isEqualTo("n2");
            assertThat(s.becauseDrifted()).isFalse();
        });
        assertThat(r.fixOrder()).extracting(FixStep::node, FixStep::fix).containsExactly(
                org.assertj.core.groups.Tuple.tuple("n0", "flannel-resync"),
                org.assertj.core.groups.Tuple.tuple("n2", "restore-routes"));
    }

    @Test
    void sharedPublicIpsAndAddressesAreNamed() {
        ClusterView twice = new ClusterView(List.of(node("n0", 0, A),
                new AdvertisedNode("n1", Ipv4Prefix.parse("10.187.1.0/24"), Ipv4.parse("172.31.159.19"), B, "vxlan",
                        true)));
        NodeObservation n0 = new NodeObservation("n0", Optional.of(A), List.of(Ipv4.parse("172.31.159.19"),
                Ipv4.parse("10.187.0.1")), Optional.of(programmed(twice, "n0")));
        NodeObservation n1 = new NodeObservation("n1", Optional.of(B), List.of(Ipv4.parse("172.31.159.19"),
                Ipv4.parse("10.187.0.1")), Optional.of(programmed(twice, "n1")));
        ClusterReport r = ClusterCorrelation.correlate(twice, List.of(n0, n1));
        assertThat(r.duplicates()).extracting(d -> d.what() + " " + d.value() + " " + d.nodes())
                .containsExactly("published public-ip 172.31.159.19 [n0, n1]", "address 172.31.159.19 [n0, n1]");
    }

    @Test
    void fromFindingsOnlyTheDriftedDevicesMacIsReadAndPeersAreInferredToHoldThePublication() {
        Finding drift = new Finding("vtep-mac-drift", "n0", "flannel.1", "flannel.1 link/ether " + A
                + " (advertised VtepMAC)", "flannel.1 link/ether " + DRIFTED, "s", Severity.CRITICAL, List.of());
        ClusterReport r = ClusterCorrelation.correlate(VIEW, List.of(
                NodeObservation.ofFindings("n0", A, List.of(drift)),
                NodeObservation.ofFindings("n1", B, List.of()),
                NodeObservation.ofFindings("n2", C, List.of())));
        assertThat(r.drifted()).extracting(ClusterReport.Drift::device).containsExactly(DRIFTED.toString());
        assertThat(r.stale()).hasSize(2).allSatisfy(s -> {
            assertThat(s.observed()).isFalse();
            assertThat(s.becauseDrifted()).isTrue();
        });
        assertThat(r.toText()).contains("inferred from the publication");
    }

    @Test
    void fromSnapshotsOfAHealthyClusterAndOfTheFieldBug() {
        HealthyNodes cluster = HealthyNodes.of(ClusterPlan.field(4));
        List<NodeObservation> healthy = cluster.names().stream()
                .map(n -> NodeObservation.ofSnapshot(n, cluster.state(n), FlannelConfig.DEFAULT)).toList();
        assertThat(ClusterCorrelation.correlate(cluster.view(), healthy).consistent()).isTrue();

        String first = cluster.names().getFirst();
        List<NodeObservation> drifted = new ArrayList<>(healthy);
        drifted.set(0, NodeObservation.ofSnapshot(first, KernelEdits.setMac(cluster.state(first), "flannel.1", DRIFTED),
                FlannelConfig.DEFAULT));
        ClusterReport r = ClusterCorrelation.correlate(cluster.view(), drifted);
        assertThat(r.drifted()).extracting(ClusterReport.Drift::node).containsExactly(first);
        assertThat(r.stale()).hasSize(3).allSatisfy(s -> assertThat(s.about()).isEqualTo(first));
        assertThat(r.fixOrder()).extracting(FixStep::node).containsExactly(first);
    }

    @Test
    void theJsonCarriesEverySection() throws Exception {
        ClusterReport r = ClusterCorrelation.correlate(VIEW,
                List.of(seen(VIEW, "n0", DRIFTED), seen(VIEW, "n1", B), seen(VIEW, "n2", C)));
        JsonNode json = JsonMapper.builder().build().readTree(r.toJson());
        assertThat(json.get("consistent").asBoolean()).isFalse();
        assertThat(json.get("drifted").get(0).get("node").asText()).isEqualTo("n0");
        assertThat(json.get("stale")).hasSize(2);
        assertThat(json.get("fixOrder").get(0).get("fix").asText()).isEqualTo("flannel-resync");
    }

    @Test
    void anObservationOfAnUnknownOrRepeatedNodeIsTheCallersError() {
        assertThatThrownBy(() -> ClusterCorrelation.correlate(VIEW, List.of(seen(VIEW, "n0", A),
                new NodeObservation("n9", Optional.empty(), List.of(), Optional.empty()))))
                .hasMessage("node 'n9' was observed but is not in the NodeList");
        assertThatThrownBy(() -> ClusterCorrelation.correlate(VIEW, List.of(seen(VIEW, "n0", A), seen(VIEW, "n0", A))))
                .hasMessage("node 'n0' was observed twice");
    }
}
