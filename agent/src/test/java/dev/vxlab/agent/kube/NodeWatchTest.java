package dev.vxlab.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.advertised.NodeListWriter;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The informer's view against an API server (fabric8's mock in CRUD mode): it follows flannel's annotations as Nodes
 * are added, changed and deleted, names the Nodes flannel has not registered, and a status-only update (a kubelet's
 * heartbeat) leaves the view as it was.
 */
@EnableKubernetesMockClient(crud = true)
class NodeWatchTest {
    static KubernetesClient client;

    @BeforeEach
    void noNodes() {
        client.nodes().delete();
    }

    private static AdvertisedNode advert(int i, String mac) {
        return new AdvertisedNode("node-" + i, Ipv4Prefix.parse("10.187." + i + ".0/24"), Ipv4.parse("172.31.159." + (19 + i)),
                MacAddress.parse(mac), "vxlan", true);
    }

    private static Node node(AdvertisedNode a) {
        String json = NodeListWriter.defaults().write(List.of(a));
        Node n = (Node) client.getKubernetesSerialization().unmarshal(json, KubernetesList.class).getItems().getFirst();
        n.getMetadata().setResourceVersion(null);
        n.getMetadata().setUid(null);
        return n;
    }

    @Test
    void theViewFollowsFlannelsAnnotations() throws Exception {
        client.nodes().resource(node(advert(0, "ea:77:37:86:ee:bf"))).create();
        client.nodes().resource(node(advert(1, "b6:9b:ed:b0:37:74"))).create();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("new-node").endMetadata().withNewSpec()
                .withPodCIDR("10.187.9.0/24").endSpec().build()).create();
        try (NodeWatch watch = NodeWatch.start(client)) {
            java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();
            watch.onChange(changes::incrementAndGet);
            await(watch::synced);
            // The view and the skipped nodes are updated by the informer's thread, one after the other.
            await(() -> watch.view().nodes().size() == 2 && watch.skipped().containsKey("new-node"));
            assertThat(watch.view().byName("node-0").orElseThrow()).isEqualTo(advert(0, "ea:77:37:86:ee:bf"));
            assertThat(watch.skipped()).containsOnlyKeys("new-node");
            assertThat(watch.skipped().get("new-node")).contains("has no annotation");

            // a kubelet's status update changes no advertisement: the same view, not a rebuilt one
            ClusterView before = watch.view();
            int changesBefore = changes.get();
            client.nodes().withName("node-1").editStatus(n -> {
                n.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder().withConditions(
                        new NodeConditionBuilder().withType("Ready").withStatus("True").build()).build());
                return n;
            });
            await(() -> client.nodes().withName("node-1").get().getStatus() != null
                    && watch.node("node-1").getStatus() != null && watch.node("node-1").getStatus().getConditions() != null
                    && !watch.node("node-1").getStatus().getConditions().isEmpty());
            assertThat(watch.view()).isSameAs(before);
            assertThat(changes.get()).as("no wake-up for a heartbeat").isEqualTo(changesBefore);

            // flannel republishes a MAC: the view follows
            client.nodes().resource(node(advert(1, "02:00:00:00:00:01"))).update();
            await(() -> watch.view().byName("node-1").orElseThrow().vtepMac()
                    .equals(MacAddress.parse("02:00:00:00:00:01")));
            assertThat(changes.get()).as("the republished MAC is told").isGreaterThan(changesBefore);

            // flannel registers the new node; a node leaves
            client.nodes().resource(node(new AdvertisedNode("new-node", Ipv4Prefix.parse("10.187.9.0/24"),
                    Ipv4.parse("172.31.159.40"), MacAddress.parse("02:00:00:00:00:09"), "vxlan", true))).update();
            client.nodes().withName("node-0").delete();
            await(() -> watch.view().nodes().stream().map(AdvertisedNode::name).toList()
                    .equals(List.of("new-node", "node-1")));
            assertThat(watch.skipped()).isEmpty();
        }
    }

    /** A bounded wait for the informer's background work (the bound only ends a hang). */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("the informer's view did not follow within 20 s");
            }
            Thread.sleep(20);
        }
    }
}
