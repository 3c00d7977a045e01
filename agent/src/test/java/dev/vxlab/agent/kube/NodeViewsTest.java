package dev.vxlab.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.AdvertisedViewException;
import dev.vxlab.detectors.advertised.NodeListWriter;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Node as fabric8 holds it reads to the same advertisement as `kubectl get nodes -o json` of it. */
class NodeViewsTest {
    private final KubernetesSerialization json = new KubernetesSerialization();
    private final NodeViews views = new NodeViews(json);

    @Test
    void aFabric8NodeReadsAsTheKubectlJsonOfIt() throws Exception {
        AdvertisedNode n = new AdvertisedNode("172.31.159.19", Ipv4Prefix.parse("10.187.0.0/24"),
                Ipv4.parse("172.31.159.19"), MacAddress.parse("ea:77:37:86:ee:bf"), "vxlan", true);
        String kubectl = NodeListWriter.defaults().write(List.of(n));
        Node node = (Node) json.unmarshal(kubectl, KubernetesList.class).getItems().getFirst();
        assertThat(views.read(node)).isEqualTo(n);
    }

    @Test
    void aNodeFlannelHasNotRegisteredIsNamed() {
        Node bare = new NodeBuilder().withNewMetadata().withName("new-node").endMetadata().withNewSpec()
                .withPodCIDR("10.187.9.0/24").endSpec().build();
        assertThatThrownBy(() -> views.read(bare)).isInstanceOf(AdvertisedViewException.class)
                .hasMessageContaining("node 'new-node' has no annotation");
    }
}
