package dev.vxlab.backend.kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KindConfigTest {

    @Test
    void aFieldClusterHasOneControlPlaneAndTheRestWorkersWithoutKindnet() throws Exception {
        JsonNode config = Yaml.MAPPER.readTree(KindConfig.field("vx3f2a", 4).render());
        assertThat(config.path("apiVersion").asText()).isEqualTo("kind.x-k8s.io/v1alpha4");
        assertThat(config.path("kind").asText()).isEqualTo("Cluster");
        assertThat(config.path("name").asText()).isEqualTo("vx3f2a");
        List<String> roles = new ArrayList<>();
        config.path("nodes").forEach(n -> roles.add(n.path("role").asText()));
        assertThat(roles).containsExactly("control-plane", "worker", "worker", "worker");
        JsonNode networking = config.path("networking");
        assertThat(networking.path("disableDefaultCNI").asBoolean()).isTrue();
        assertThat(networking.path("podSubnet").asText()).isEqualTo("10.187.0.0/16");
        assertThat(networking.path("serviceSubnet").asText()).isEqualTo("10.186.0.0/16");
    }

    @Test
    void theClusterDomainReachesKubeadmAndTheKubeletThroughPatches() throws Exception {
        JsonNode config = Yaml.MAPPER.readTree(KindConfig.field("vx1", 3).render());
        JsonNode patches = config.path("kubeadmConfigPatches");
        assertThat(patches.size()).isEqualTo(2);
        // Each patch is a string holding a YAML document of its own, as kind wants it.
        JsonNode cluster = Yaml.MAPPER.readTree(patches.get(0).asText());
        JsonNode kubelet = Yaml.MAPPER.readTree(patches.get(1).asText());
        assertThat(cluster.path("kind").asText()).isEqualTo("ClusterConfiguration");
        assertThat(cluster.path("networking").path("dnsDomain").asText()).isEqualTo("cluster1.local");
        assertThat(kubelet.path("kind").asText()).isEqualTo("KubeletConfiguration");
        assertThat(kubelet.path("clusterDomain").asText()).isEqualTo("cluster1.local");
    }

    @Test
    void badNamesAndSizesAreRefusedInOneSentence() {
        assertThatThrownBy(() -> KindConfig.field("Bad_Name", 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kind cluster name");
        assertThatThrownBy(() -> KindConfig.field("vx1", 1)).hasMessageContaining("at least one worker");
    }
}
