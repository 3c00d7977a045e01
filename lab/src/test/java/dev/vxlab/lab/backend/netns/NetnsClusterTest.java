package dev.vxlab.lab.backend.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.testkit.Kernel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.Cluster;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.detectors.remote.ProcessRunner;
import dev.vxlab.lab.spec.ClusterSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Kernel
class NetnsClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void flannelEmulationProgramsEveryNodeAsFlannelDoes() throws Exception {
        ClusterSpec spec = ClusterSpec.field(3);
        try (Cluster cluster = new NetnsBackend().create(spec, LabRun.random(dir))) {
            ClusterNode node0 = cluster.node("0");
            JsonNode link = ip(node0, "-d", "link", "show", "dev", "flannel.1").get(0);
            assertThat(link.get("address").asText()).isEqualTo("ea:77:37:86:ee:bf");
            assertThat(link.get("mtu").asInt()).isEqualTo(1450);
            JsonNode vxlan = link.at("/linkinfo/info_data");
            assertThat(vxlan.get("id").asInt()).isEqualTo(1);
            assertThat(vxlan.get("port").asInt()).isEqualTo(8472);
            assertThat(vxlan.get("local").asText()).isEqualTo("172.31.159.19");
            assertThat(vxlan.get("learning").asBoolean()).isFalse();

            List<String> routes = new ArrayList<>();
            for (JsonNode r : ip(node0, "route", "show", "dev", "flannel.1")) {
                routes.add(r.get("dst").asText() + " via " + r.get("gateway").asText() + " " + r.get("flags"));
            }
            // With fewer than the field's 5 nodes the leases are consecutive: .19 -> .0, .20 -> .1, .21 -> .2
            assertThat(routes).containsExactlyInAnyOrder(
                    "10.187.2.0/24 via 10.187.2.0 [\"onlink\"]", "10.187.1.0/24 via 10.187.1.0 [\"onlink\"]");

            List<String> neighbors = new ArrayList<>();
            for (JsonNode n : ip(node0, "neigh", "show", "dev", "flannel.1")) {
                neighbors.add(n.get("dst").asText() + " " + n.get("lladdr").asText() + " " + n.get("state"));
            }
            assertThat(neighbors).containsExactlyInAnyOrder(
                    "10.187.1.0 f2:d2:28:8e:4c:61 [\"PERMANENT\"]", "10.187.2.0 2a:f1:d4:d0:32:24 [\"PERMANENT\"]");

            JsonNode fdb = JSON.readTree(node0.remote().run("bridge", "-j", "fdb", "show", "dev", "flannel.1").stdout());
            List<String> entries = new ArrayList<>();
            for (JsonNode f : fdb) {
                entries.add(f.get("mac").asText() + " dst " + f.get("dst").asText() + " " + f.get("state").asText());
            }
            assertThat(entries).contains("f2:d2:28:8e:4c:61 dst 172.31.159.20 permanent",
                    "2a:f1:d4:d0:32:24 dst 172.31.159.21 permanent");
        }
        assertThat(ProcessRunner.run(List.of("ip", "netns", "list"), Duration.ofSeconds(5)).stdout())
                .as("closing the cluster removes every namespace").isBlank();
    }

    /** Found by the property suites' jumbo-frame plan: eth0 (the veth's peer end) must get the underlay MTU too. */
    @Test
    void aJumboFrameUnderlayGivesEth0AndFlannelTheirMtus() throws Exception {
        ClusterSpec spec = ClusterSpec.plan("jumbo", 2, Ipv4Prefix.parse("192.168.100.0/24"), 2, false,
                Ipv4Prefix.parse("100.96.0.0/16"), Ipv4Prefix.parse("100.64.0.0/16"), "k8s.local", 1, 8472, 9000);
        try (Cluster cluster = new NetnsBackend().create(spec, LabRun.random(dir))) {
            ClusterNode node0 = cluster.node("0");
            assertThat(ip(node0, "link", "show", "dev", "eth0").get(0).get("mtu").asInt()).isEqualTo(9000);
            assertThat(ip(node0, "link", "show", "dev", "flannel.1").get(0).get("mtu").asInt()).isEqualTo(8950);
            // every pod's eth0 at flannel's MTU, as the CNI bridge plugin sets it
            for (var pod : cluster.pods()) {
                JsonNode eth0 = JSON.readTree(pod.remote().run("ip", "-j", "link", "show", "dev", "eth0").orThrow()
                        .stdout());
                assertThat(eth0.get(0).get("mtu").asInt()).as(pod.plan().label()).isEqualTo(8950);
            }
        }
    }

    /** Parallel building must not leak: a build that fails removes every namespace it made, and only those. */
    @Test
    void aFailedBuildRemovesEveryNamespaceItMadeAndNoneItDidNot() throws Exception {
        LabRun run = LabRun.random(dir);
        String foreign = run.prefix() + "-n3";
        assertThat(ProcessRunner.run(List.of("ip", "netns", "add", foreign), Duration.ofSeconds(10)).ok()).isTrue();
        try {
            assertThatThrownBy(() -> new NetnsBackend().create(ClusterSpec.field(6), run))
                    .isInstanceOf(LabException.class)
                    .hasMessageContaining("cannot create network namespace " + foreign);
            assertThat(ProcessRunner.run(List.of("ip", "netns", "list"), Duration.ofSeconds(5)).stdout().lines()
                    .map(l -> l.split("\\s+")[0]).toList())
                    .as("the namespaces made before the clash are gone; the one that was there already stays")
                    .containsExactly(foreign);
        } finally {
            ProcessRunner.run(List.of("ip", "netns", "del", foreign), Duration.ofSeconds(10));
        }
    }

    /** Nodes are built in parallel: every node still gets its own address, route and all its peers' entries. */
    @Test
    void aClusterBuiltInParallelProgramsEveryNodeCompletely() throws Exception {
        ClusterSpec spec = ClusterSpec.field(12);
        try (Cluster cluster = new NetnsBackend().create(spec, LabRun.random(dir))) {
            for (ClusterNode node : cluster.nodes()) {
                assertThat(ip(node, "addr", "show", "dev", "eth0").get(0).at("/addr_info/0/local").asText())
                        .isEqualTo(node.plan().publicIp().toString());
                assertThat(ip(node, "route", "show", "dev", "flannel.1")).hasSize(11);
                assertThat(ip(node, "neigh", "show", "dev", "flannel.1")).hasSize(11);
                assertThat(JSON.readTree(node.remote().run("bridge", "-j", "fdb", "show", "dev", "flannel.1")
                        .stdout())).filteredOn(f -> f.path("state").asText().equals("permanent")
                                && f.has("dst")).hasSize(11);
                assertThat(node.remote().run("nft", "list", "table", "ip", "vxlab-services").ok()).isTrue();
            }
            for (var pod : cluster.pods()) {
                JsonNode route = JSON.readTree(pod.remote().run("ip", "-j", "route", "show", "default").stdout());
                assertThat(route.get(0).get("gateway").asText())
                        .isEqualTo(spec.node(pod.plan().node()).bridgeAddress().address().toString());
            }
        }
    }

    private static JsonNode ip(ClusterNode node, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("ip", "-j"));
        argv.addAll(List.of(args));
        return JSON.readTree(node.remote().run(argv).orThrow().stdout());
    }
}
