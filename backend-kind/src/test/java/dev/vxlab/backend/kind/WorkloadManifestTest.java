package dev.vxlab.backend.kind;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vxlab.lab.pods.MetricsServer;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadManifestTest {

    @Test
    void everyNodeRunsAnHttpdServingTheFieldsMetricsBodyOn9153() throws Exception {
        List<JsonNode> docs = FlannelManifestTest.documents(
                new WorkloadManifest("busybox:1.36", MetricsServer.body()).render());
        assertThat(docs).extracting(d -> d.path("kind").asText()).containsExactly("Namespace", "ConfigMap", "DaemonSet");
        assertThat(FlannelManifestTest.find(docs, "ConfigMap").path("data").path("metrics").asText())
                .hasSize(MetricsServer.FIELD_BODY_LENGTH);
        JsonNode pod = FlannelManifestTest.find(docs, "DaemonSet").path("spec").path("template").path("spec");
        JsonNode httpd = pod.path("containers").get(0);
        assertThat(httpd.path("image").asText()).isEqualTo("busybox:1.36");
        assertThat(httpd.path("command").toString()).isEqualTo("[\"httpd\",\"-f\",\"-p\",\"9153\",\"-h\",\"/www\"]");
        assertThat(httpd.path("readinessProbe").path("tcpSocket").path("port").asInt()).isEqualTo(9153);
        assertThat(pod.path("tolerations").get(0).path("operator").asText()).as("the control plane too")
                .isEqualTo("Exists");
    }

    @Test
    void coreDnsIsKeptOffTheControlPlaneAndSpreadOverWorkers() throws Exception {
        JsonNode affinity = Yaml.JSON.readTree(WorkloadManifest.coreDnsPatch()).path("spec").path("template")
                .path("spec").path("affinity");
        JsonNode expression = affinity.path("nodeAffinity").path("requiredDuringSchedulingIgnoredDuringExecution")
                .path("nodeSelectorTerms").get(0).path("matchExpressions").get(0);
        assertThat(expression.path("key").asText()).isEqualTo("node-role.kubernetes.io/control-plane");
        assertThat(expression.path("operator").asText()).isEqualTo("DoesNotExist");
        assertThat(affinity.path("podAntiAffinity").toString()).contains("kubernetes.io/hostname", "kube-dns");
    }
}
