package dev.vxlab.backend.kind;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlannelManifestTest {
    private static final KindOptions OPTIONS = KindOptions.from(Map.of("VXLAB_FLANNEL_IMAGE", "example.org/flannel",
            "VXLAB_FLANNEL_VERSION", "v9.9.9", "VXLAB_KIND_ARCH", "arm64", "VXLAB_KIND_NODE_IMAGE",
            "kindest/node:v1.32.2@sha256:0123"));

    static List<JsonNode> documents(String yaml) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = Yaml.MAPPER.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static JsonNode find(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst().orElseThrow();
    }

    @Test
    void theManifestHoldsEverythingFlannelNeedsInOrder() throws Exception {
        List<JsonNode> docs = documents(FlannelManifest.of(OPTIONS).render());
        assertThat(docs).extracting(d -> d.path("kind").asText()).containsExactly("Namespace", "ServiceAccount",
                "ClusterRole", "ClusterRoleBinding", "ConfigMap", "DaemonSet");
        assertThat(find(docs, "Namespace").path("metadata").path("labels")
                .path("pod-security.kubernetes.io/enforce").asText()).isEqualTo("privileged");
        JsonNode role = find(docs, "ClusterRole");
        List<String> granted = new ArrayList<>();
        role.path("rules").forEach(r -> r.path("verbs").forEach(v -> granted.add(r.path("resources").get(0).asText()
                + ":" + v.asText())));
        assertThat(granted).contains("pods:get", "nodes:list", "nodes:watch", "nodes/status:patch");
        role.path("rules").forEach(r -> assertThat(r.path("apiGroups").get(0).isTextual()
                && r.path("apiGroups").get(0).asText().isEmpty()).as("the core API group is the empty string").isTrue());
        assertThat(find(docs, "ClusterRoleBinding").path("subjects").get(0).path("namespace").asText())
                .isEqualTo("kube-flannel");
    }

    @Test
    void netConfIsTheFieldsVxlanNetwork() throws Exception {
        JsonNode map = find(documents(FlannelManifest.of(OPTIONS).render()), "ConfigMap");
        JsonNode net = Yaml.JSON.readTree(map.path("data").path("net-conf.json").asText());
        assertThat(net).isEqualTo(Yaml.JSON.readTree(
                "{\"Network\":\"10.187.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":1,\"Port\":8472}}"));
        JsonNode cni = Yaml.JSON.readTree(map.path("data").path("cni-conf.json").asText());
        assertThat(cni.path("plugins").findValuesAsText("type")).containsExactly("flannel", "portmap");
        assertThat(cni.path("plugins").get(0).path("delegate").path("isDefaultGateway").asBoolean()).isTrue();
    }

    @Test
    void theDaemonSetRunsTheChosenFlannelAfterInstallingTheCniPluginsKindLacks() throws Exception {
        JsonNode ds = find(documents(FlannelManifest.of(OPTIONS).render()), "DaemonSet");
        JsonNode pod = ds.path("spec").path("template").path("spec");
        assertThat(pod.path("hostNetwork").asBoolean()).isTrue();
        assertThat(pod.path("tolerations").get(0).path("operator").asText()).isEqualTo("Exists");
        JsonNode flanneld = pod.path("containers").get(0);
        assertThat(flanneld.path("image").asText()).isEqualTo("example.org/flannel:v9.9.9");
        assertThat(flanneld.path("args").toString()).contains("--kube-subnet-mgr");
        assertThat(flanneld.path("securityContext").path("capabilities").path("add").toString())
                .contains("NET_ADMIN", "NET_RAW");
        List<String> init = new ArrayList<>();
        pod.path("initContainers").forEach(c -> init.add(c.path("name").asText()));
        assertThat(init).containsExactly("install-cni-plugin", "install-cni-plugins", "install-cni");
        JsonNode plugins = pod.path("initContainers").get(1);
        assertThat(plugins.path("env").get(0).path("value").asText()).isEqualTo(
                "https://github.com/containernetworking/plugins/releases/download/v1.6.2/cni-plugins-linux-arm64-v1.6.2.tgz");
        String script = plugins.path("args").get(0).asText();
        for (String plugin : List.of("bridge", "portmap", "host-local")) {
            assertThat(script).contains("/opt/cni/bin/" + plugin);
        }
        assertThat(pod.path("initContainers").get(2).path("args").toString()).contains("/etc/cni/net.d/10-flannel.conflist");
        List<String> hostPaths = new ArrayList<>();
        pod.path("volumes").forEach(v -> hostPaths.add(v.path("hostPath").path("path").asText()));
        assertThat(hostPaths).contains("/run/flannel", "/opt/cni/bin", "/etc/cni/net.d");
        assertThat(ds.path("spec").path("selector").path("matchLabels").path("app").asText())
                .as("the label NodeAction.RestartFlanneld deletes by").isEqualTo("flannel");
    }
}
