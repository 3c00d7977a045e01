package dev.vxlab.scenarios.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import dev.vxlab.lab.spec.PodPlan;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ClusterRenamingTest {
    private static final ClusterSpec PLANNED = ClusterSpec.field(3);

    /** A cluster as kind and Kubernetes make it: their own names, addresses, lease order, pod IPs and MACs. */
    static ClusterSpec kindLike(boolean withCoreDns) {
        List<NodePlan> nodes = List.of(
                new NodePlan(0, "vx1-control-plane", Ipv4.parse("172.18.0.3"), Ipv4Prefix.parse("10.187.0.0/24"),
                        MacAddress.parse("6e:10:00:00:00:01")),
                new NodePlan(1, "vx1-worker", Ipv4.parse("172.18.0.2"), Ipv4Prefix.parse("10.187.2.0/24"),
                        MacAddress.parse("6e:10:00:00:00:02")),
                new NodePlan(2, "vx1-worker2", Ipv4.parse("172.18.0.4"), Ipv4Prefix.parse("10.187.1.0/24"),
                        MacAddress.parse("6e:10:00:00:00:03")));
        List<PodPlan> pods = new java.util.ArrayList<>(List.of(
                new PodPlan("vx1-control-plane", "app", Ipv4.parse("10.187.0.5"), false),
                new PodPlan("vx1-worker", "app", Ipv4.parse("10.187.2.4"), false),
                new PodPlan("vx1-worker2", "app", Ipv4.parse("10.187.1.2"), false)));
        if (withCoreDns) {
            pods.add(new PodPlan("vx1-worker", "coredns", Ipv4.parse("10.187.2.24"), true));
            pods.add(new PodPlan("vx1-worker2", "coredns", Ipv4.parse("10.187.1.3"), true));
        }
        return new ClusterSpec("kind", nodes, pods, Ipv4Prefix.parse("172.18.0.0/16"),
                Ipv4Prefix.parse("10.187.0.0/16"), Ipv4Prefix.parse("10.186.0.0/16"), Ipv4.parse("10.186.0.10"),
                "cluster1.local", 1, 8472, 1500);
    }

    @Test
    void theFieldStoryIsReadOnTheNamesAndAddressesKindMade() throws Exception {
        Scenario story = ScenarioParser.parse(Path.of("catalog/field-story.yaml"), OptionalInt.of(3));
        ClusterSpec real = kindLike(true);
        Scenario onKind = ScenarioParser.onCluster(story, real);
        assertThat(onKind.cluster()).isEqualTo(real);
        assertThat(onKind.steps()).hasSameSizeAs(story.steps());
        assertThat(onKind.text()).doesNotContain("172.31.159.").contains("vx1-control-plane")
                .doesNotContain("ea:77:37:86:ee:bf").contains("6e:10:00:00:00:01").contains("10.186.0.10:9153");
        ScenarioStep.Inject inject = onKind.steps().stream().filter(ScenarioStep.Inject.class::isInstance)
                .map(ScenarioStep.Inject.class::cast).findFirst().orElseThrow();
        assertThat(inject.fault().node()).isEqualTo("vx1-control-plane");
    }

    @Test
    void tokensAreRenamedWholeAndOnce() {
        ClusterRenaming renaming = ClusterRenaming.between(PLANNED, kindLike(true));
        String planned1 = PLANNED.nodes().get(1).subnet().network().toString(); // 10.187.1.0 -> 10.187.2.0
        assertThat(renaming.apply("ip route get " + planned1 + ".")).isEqualTo("ip route get 10.187.2.0.");
        // The planned CoreDNS 10.187.1.24 becomes the real one; the real app pod 10.187.1.2 is not renamed again.
        assertThat(renaming.apply("to: 10.187.1.24, app 10.187.1.2")).startsWith("to: 10.187.2.24, app ");
        assertThat(renaming.apply("110.187.1.24 and 10.187.1.245")).isEqualTo("110.187.1.24 and 10.187.1.245");
    }

    @Test
    void aPlannedPodWithoutACounterpartIsOneSentence() {
        assertThatThrownBy(() -> ClusterRenaming.between(PLANNED, kindLike(false)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the scenario's pod coredns@172.31.159.20 has no counterpart on node vx1-worker");
    }

    @Test
    void thePlannedClusterNeedsNoRenaming() throws Exception {
        Scenario story = ScenarioParser.parse(Path.of("catalog/field-story.yaml"), OptionalInt.of(3));
        assertThat(ScenarioParser.onCluster(story, story.cluster())).isSameAs(story);
    }
}
