package dev.vxlab.detectors.advertised;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NodeListWriterTest {

    @Test
    void whatTheWriterPublishesTheReaderReadsBack() throws Exception {
        String json = NodeListWriter.defaults().withArch("arm64").write(FieldCluster.NODES);
        assertThat(NodeListReader.read(json)).isEqualTo(new ClusterView(FieldCluster.NODES));
    }

    @Test
    void roundTripsAnyNodes() throws Exception {
        for (int seed = 0; seed < 50; seed++) {
            Random random = new Random(seed);
            List<AdvertisedNode> nodes = new ArrayList<>();
            int count = random.nextInt(8);
            for (int i = 0; i < count; i++) {
                nodes.add(new AdvertisedNode("node-" + seed + "-" + i,
                        new Ipv4Prefix(new Ipv4(random.nextInt()), 16 + random.nextInt(17)).canonical(),
                        new Ipv4(random.nextInt()), MacAddress.randomLocal(random),
                        random.nextBoolean() ? "vxlan" : "host-gw", random.nextBoolean()));
            }
            String json = NodeListWriter.defaults().write(nodes);
            assertThat(NodeListReader.read(json)).as("seed %d", seed).isEqualTo(new ClusterView(nodes));
            assertThat(NodeListWriter.defaults().write(nodes.reversed())).as("deterministic").isEqualTo(json);
        }
    }

    @Test
    void looksLikeKubectlOutput() throws Exception {
        String json = NodeListWriter.defaults().withArch("arm64").write(FieldCluster.NODES);
        assertThat(json).startsWith("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n")
                .endsWith("\n}\n")
                .contains("\"flannel.alpha.coreos.com/backend-data\": \"{\\\"VtepMAC\\\":\\\"ea:77:37:86:ee:bf\\\"}\"");
        JsonNode root = new ObjectMapper().readTree(json);
        assertThat(root.path("kind").asText()).isEqualTo("List");
        JsonNode node = root.path("items").get(0);
        assertThat(node.path("kind").asText()).isEqualTo("Node");
        assertThat(node.at("/metadata/name").asText()).isEqualTo("kylin-19");
        assertThat(node.at("/metadata/labels/kubernetes.io~1hostname").asText()).isEqualTo("kylin-19");
        assertThat(node.at("/metadata/labels/kubernetes.io~1arch").asText()).isEqualTo("arm64");
        assertThat(node.at("/metadata/annotations/flannel.alpha.coreos.com~1backend-type").asText()).isEqualTo("vxlan");
        assertThat(node.at("/metadata/annotations/flannel.alpha.coreos.com~1kube-subnet-manager").asText())
                .isEqualTo("true");
        assertThat(node.at("/spec/podCIDR").asText()).isEqualTo("10.187.0.0/24");
        assertThat(node.at("/status/addresses/0/type").asText()).isEqualTo("InternalIP");
        assertThat(node.at("/status/addresses/0/address").asText()).isEqualTo("172.31.159.19");
        assertThat(node.at("/status/nodeInfo/kubeletVersion").asText()).isEqualTo("v1.15.12");
        assertThat(NodeListWriter.defaults().write(List.of())).contains("\"items\": [],");
    }
}
