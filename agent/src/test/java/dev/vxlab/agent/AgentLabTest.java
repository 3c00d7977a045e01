package dev.vxlab.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.agent.kube.NodeConditionWriter;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.lab.fault.Fault;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against a lab: its Node objects come from an API server (fabric8's mock in CRUD mode) through the
 * informer, its netlink events from a lab node's namespace. The flagship fault's series appears on /metrics, the Node's
 * FlannelDataplaneHealthy condition turns False and a Warning Event is posted; after flanneld's restart republishes
 * the lease (the test patches the Node as flannel does), the series is gone and the condition is True again.
 */
@Kernel
@EnableKubernetesMockClient(crud = true)
class AgentLabTest {
    static KubernetesClient client;

    @TempDir
    Path dir;

    /** One API server for the class: each test starts from no Node and no Event. */
    @BeforeEach
    void emptyApiServer() {
        client.nodes().delete();
        client.v1().events().inNamespace("default").delete();
    }

    @Test
    void theMacDriftAppearsAsAMetricConditionAndEventAndClearsAfterFlannelRepublishes() throws Exception {
        try (AgentOnLab on = new AgentOnLab(dir, client, true, true, Set.of())) {
            assertThat(on.get("/healthz").statusCode()).isEqualTo(200);
            on.await("the healthy node is reported healthy", () -> on.samples("vxlab_node_healthy").equals(
                    List.of("vxlab_node_healthy 1.0")));
            assertThat(on.samples("vxlab_findings")).as("no finding on a healthy lab").isEmpty();
            assertThat(on.samples("vxlab_last_healthy_timestamp_seconds")).singleElement().asString()
                    .doesNotEndWith(" 0.0");
            on.await("the condition says healthy", () -> condition(on).filter(c -> c.getStatus().equals("True"))
                    .isPresent());

            Fault drift = new Fault.VtepMacDrift(on.node, Optional.empty());
            on.lab.inject(drift);
            on.await("vxlab_findings shows vtep-mac-drift", () -> on.samples("vxlab_findings").stream()
                    .anyMatch(l -> l.contains("fault=\"" + FaultIds.VTEP_MAC_DRIFT + "\"")
                            && l.contains("device=\"flannel.1\"") && l.endsWith(" 1.0")));
            assertThat(on.samples("vxlab_node_healthy")).containsExactly("vxlab_node_healthy 0.0");
            on.await("the cluster view names this node as drifted from its publication", () ->
                    on.samples("vxlab_cluster_drifted").equals(List.of("vxlab_cluster_drifted 1.0")));
            assertThat(on.get("/cluster").body()).contains("\"consistent\" : false").contains("\"node\" : \"" + on.node
                    + "\"");
            assertThat(on.samples("vxlab_detection_seconds_count")).singleElement().asString()
                    .doesNotEndWith(" 0");
            on.await("the condition turns False naming the fault", () -> condition(on)
                    .filter(c -> c.getStatus().equals("False") && c.getMessage().contains(FaultIds.VTEP_MAC_DRIFT))
                    .isPresent());
            on.await("a Warning event names the fault", () -> events(on).stream().anyMatch(e ->
                    e.getType().equals("Warning") && e.getMessage().contains(FaultIds.VTEP_MAC_DRIFT)
                            && e.getInvolvedObject().getName().equals(on.node)));

            on.lab.heal(drift); // flanneld's restart: it re-reads the device's MAC and republishes it
            on.publish();
            on.await("the vtep-mac-drift series is gone", () -> on.samples("vxlab_findings").stream()
                    .noneMatch(l -> l.contains(FaultIds.VTEP_MAC_DRIFT)));
            on.await("the node is healthy again", () -> on.samples("vxlab_node_healthy").equals(
                    List.of("vxlab_node_healthy 1.0")));
            on.await("the cluster view is consistent again", () -> on.samples("vxlab_cluster_consistent").equals(
                    List.of("vxlab_cluster_consistent 1.0")) && on.get("/cluster").body().contains("\"consistent\" : true"));
            on.await("the condition turns True", () -> condition(on).filter(c -> c.getStatus().equals("True"))
                    .isPresent());
            on.await("a Normal event says it cleared", () -> events(on).stream().anyMatch(e ->
                    e.getType().equals("Normal") && e.getMessage().contains(FaultIds.VTEP_MAC_DRIFT)));
        }
    }

    /**
     * Only the Node object changes (no netlink event announces it): the informer wakes the watcher, so the finding
     * appears and clears well within the wait, while the timer's next pass is a minute away.
     */
    @Test
    void aRepublishedVtepMacAloneWakesTheWatcherBeforeItsTimer() throws Exception {
        try (AgentOnLab on = new AgentOnLab(dir, client, false, false, Set.of(), true, Duration.ofSeconds(60))) {
            on.await("the healthy node is reported healthy", () -> on.samples("vxlab_node_healthy").equals(
                    List.of("vxlab_node_healthy 1.0")));
            String key = "flannel.alpha.coreos.com/backend-data";
            String published = client.nodes().withName(on.node).get().getMetadata().getAnnotations().get(key);
            String mac = published.replaceAll(".*\"VtepMAC\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            String other = mac.equalsIgnoreCase("7a:3c:58:e1:90:2d") ? "7a:3c:58:e1:90:2e" : "7a:3c:58:e1:90:2d";
            client.nodes().withName(on.node).edit(n -> {
                n.getMetadata().getAnnotations().put(key, published.replace(mac, other));
                return n;
            });
            on.await("vxlab_findings shows vtep-mac-drift from the Node object alone", () -> on.samples(
                    "vxlab_findings").stream().anyMatch(l -> l.contains("fault=\"" + FaultIds.VTEP_MAC_DRIFT + "\"")
                    && l.endsWith(" 1.0")));
            assertThat(on.samples("vxlab_passes_total")).as("a pass the view change started")
                    .anyMatch(l -> l.startsWith("vxlab_passes_total{trigger=\"view\"}") && !l.endsWith(" 0.0"))
                    .noneMatch(l -> l.startsWith("vxlab_passes_total{trigger=\"timer\"}") && !l.endsWith(" 0.0"));
            client.nodes().withName(on.node).edit(n -> {
                n.getMetadata().getAnnotations().put(key, published);
                return n;
            });
            on.await("the drift clears once the Node publishes the device's MAC again", () -> on.samples(
                    "vxlab_findings").stream().noneMatch(l -> l.contains(FaultIds.VTEP_MAC_DRIFT)));
            assertThat(on.samples("vxlab_passes_total")).as("still before the timer's first pass")
                    .noneMatch(l -> l.startsWith("vxlab_passes_total{trigger=\"timer\"}") && !l.endsWith(" 0.0"));
        }
    }

    @Test
    void aNodeFlannelHasNotRegisteredYetIsWaitedForAndWatchedOnceAdvertised() throws Exception {
        try (AgentOnLab on = new AgentOnLab(dir, client, false, false, Set.of(), false)) {
            assertThat(on.get("/healthz").statusCode()).isEqualTo(200);
            assertThat(on.get("/readyz").statusCode()).as("not ready before its node is advertised").isEqualTo(503);
            assertThat(on.log()).contains("(no such Node); waiting for it");
            on.publish();
            on.await("ready once flannel's lease is published", () -> on.get("/readyz").statusCode() == 200);
            assertThat(on.log()).contains("is advertised now; watching");
            on.lab.inject(new Fault.VtepMacDrift(on.node, Optional.empty()));
            on.await("the drift is found", () -> on.samples("vxlab_findings").stream()
                    .anyMatch(l -> l.contains(FaultIds.VTEP_MAC_DRIFT)));
        }
    }

    @Test
    void readOnlyByDefaultWritesNothingToTheApiServer() throws Exception {
        try (AgentOnLab on = new AgentOnLab(dir, client, false, false, Set.of())) {
            Fault drift = new Fault.VtepMacDrift(on.node, Optional.empty());
            on.lab.inject(drift);
            on.await("vxlab_findings shows vtep-mac-drift", () -> on.samples("vxlab_findings").stream()
                    .anyMatch(l -> l.contains(FaultIds.VTEP_MAC_DRIFT)));
            assertThat(condition(on)).as("no condition written").isEmpty();
            assertThat(events(on)).as("no event posted").isEmpty();
        }
    }

    @Test
    void anAllowedFixIsAppliedByTheAgentAndTheFindingClears() throws Exception {
        try (AgentOnLab on = new AgentOnLab(dir, client, false, false, Set.of("restore-vtep-mac"))) {
            on.lab.inject(new Fault.VtepMacDrift(on.node, Optional.empty()));
            on.await("the agent applied restore-vtep-mac", () -> on.samples("vxlab_fixes_total").stream()
                    .anyMatch(l -> l.contains("fix=\"restore-vtep-mac\"") && l.contains("result=\"applied\"")));
            on.await("the finding cleared without flannel", () -> on.log().contains("- cleared "
                    + FaultIds.VTEP_MAC_DRIFT));
            assertThat(on.samples("vxlab_findings")).noneMatch(l -> l.contains(FaultIds.VTEP_MAC_DRIFT));
        }
    }

    private static Optional<NodeCondition> condition(AgentOnLab on) {
        var status = client.nodes().withName(on.node).get().getStatus();
        if (status == null || status.getConditions() == null) {
            return Optional.empty();
        }
        return status.getConditions().stream().filter(c -> c.getType().equals(NodeConditionWriter.TYPE)).findFirst();
    }

    private static List<Event> events(AgentOnLab on) {
        return client.v1().events().inNamespace("default").list().getItems();
    }
}
