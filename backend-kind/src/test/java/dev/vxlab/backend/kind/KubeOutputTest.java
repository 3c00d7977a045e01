package dev.vxlab.backend.kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.advertised.NodeListReader;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.spec.PodPlan;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeOutputTest {
    /** Trimmed from the shape of `kubectl get nodes -o json` on a kind cluster running flannel's vxlan backend. */
    static final String NODES = """
            {"apiVersion":"v1","kind":"List","items":[
             {"kind":"Node","metadata":{"name":"vx1-worker2","labels":{"kubernetes.io/hostname":"vx1-worker2"},
               "annotations":{"flannel.alpha.coreos.com/backend-data":"{\\"VNI\\":1,\\"VtepMAC\\":\\"2a:f1:d4:d0:32:24\\"}",
                 "flannel.alpha.coreos.com/backend-type":"vxlan","flannel.alpha.coreos.com/kube-subnet-manager":"true",
                 "flannel.alpha.coreos.com/public-ip":"172.18.0.4"}},
              "spec":{"podCIDR":"10.187.2.0/24","podCIDRs":["10.187.2.0/24"]},
              "status":{"addresses":[{"address":"172.18.0.4","type":"InternalIP"}],
                "conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}]}},
             {"kind":"Node","metadata":{"name":"vx1-control-plane","labels":{"node-role.kubernetes.io/control-plane":""},
               "annotations":{"flannel.alpha.coreos.com/backend-data":"{\\"VNI\\":1,\\"VtepMAC\\":\\"ea:77:37:86:ee:bf\\"}",
                 "flannel.alpha.coreos.com/backend-type":"vxlan","flannel.alpha.coreos.com/kube-subnet-manager":"true",
                 "flannel.alpha.coreos.com/public-ip":"172.18.0.2"}},
              "spec":{"podCIDR":"10.187.0.0/24"},
              "status":{"conditions":[{"type":"Ready","status":"True"}]}},
             {"kind":"Node","metadata":{"name":"vx1-worker",
               "annotations":{"flannel.alpha.coreos.com/backend-data":"{\\"VNI\\":1,\\"VtepMAC\\":\\"f2:d2:28:8e:4c:61\\"}",
                 "flannel.alpha.coreos.com/backend-type":"vxlan","flannel.alpha.coreos.com/kube-subnet-manager":"true",
                 "flannel.alpha.coreos.com/public-ip":"172.18.0.3"}},
              "spec":{"podCIDR":"10.187.1.0/24"},
              "status":{"conditions":[{"type":"Ready","status":"False","reason":"KubeletNotReady"}]}}]}
            """;

    static final String PODS = """
            {"kind":"List","items":[
             {"metadata":{"namespace":"kube-system","name":"coredns-668d6bf9bc-abcde","labels":{"k8s-app":"kube-dns"}},
              "spec":{"nodeName":"vx1-worker"},
              "status":{"phase":"Running","podIP":"10.187.1.3","conditions":[{"type":"Ready","status":"True"}]}},
             {"metadata":{"namespace":"kube-system","name":"coredns-668d6bf9bc-fghij","labels":{"k8s-app":"kube-dns"}},
              "spec":{"nodeName":"vx1-worker"},
              "status":{"phase":"Running","podIP":"10.187.1.2","conditions":[{"type":"Ready","status":"False"}]}},
             {"metadata":{"namespace":"kube-system","name":"coredns-668d6bf9bc-pending","labels":{"k8s-app":"kube-dns"}},
              "spec":{},"status":{"phase":"Pending"}},
             {"metadata":{"namespace":"kube-system","name":"coredns-5d78c9869d-old","labels":{"k8s-app":"kube-dns"},
               "deletionTimestamp":"2026-12-06T01:40:00Z"},
              "spec":{"nodeName":"vx1-worker"},
              "status":{"phase":"Running","podIP":"10.187.1.9","conditions":[{"type":"Ready","status":"True"}]}}]}
            """;

    @Test
    void kindGetClustersListsNamesAndOnlyRunsAreTheLabs() {
        assertThat(KubeOutput.clusters("kind\nvx3f2a\nvx1\n")).containsExactly("kind", "vx3f2a", "vx1");
        assertThat(KubeOutput.clusters("No kind clusters found.\n")).isEmpty();
        assertThat(KubeOutput.labClusters("kind\nvx3f2a\nvx1\nvxtoolongname\n")).containsExactly("vx1", "vx3f2a");
    }

    @Test
    void theNodeListGivesReadinessKindsOrderAndFlannelsLeases() throws Exception {
        assertThat(KubeOutput.nodesReady(NODES)).containsExactly(Map.entry("vx1-worker2", true),
                Map.entry("vx1-control-plane", true), Map.entry("vx1-worker", false));
        assertThat(KubeOutput.nodeOrder(NODES)).containsExactly("vx1-control-plane", "vx1-worker", "vx1-worker2");
        // The same text is what the doctor's NodeListReader reads for the advertised view.
        assertThat(NodeListReader.read(NODES).byName("vx1-control-plane").orElseThrow().vtepMac().toString())
                .isEqualTo("ea:77:37:86:ee:bf");
    }

    @Test
    void podsAreReadWithNodeIpPhaseAndReadiness() throws Exception {
        List<KubeOutput.PodInfo> pods = KubeOutput.pods(PODS);
        assertThat(pods).hasSize(4);
        assertThat(pods.get(3).terminating()).isTrue();
        assertThat(pods.getFirst()).isEqualTo(new KubeOutput.PodInfo("kube-system", "coredns-668d6bf9bc-abcde",
                "vx1-worker", java.util.Optional.of(Ipv4.parse("10.187.1.3")), "Running", true,
                Map.of("k8s-app", "kube-dns"), false));
        assertThat(pods.get(2).ip()).isEmpty();
        assertThat(pods.get(2).node()).isEmpty();
    }

    @Test
    void servingPodsBecomePlansNamedPerNode() throws Exception {
        List<PodPlan> plans = KindClusterBuilder.podPlans(KubeOutput.pods(PODS), "coredns",
                List.of("vx1-control-plane", "vx1-worker"), true);
        // Only pods serving now: not the unready one, not the one a rollout is deleting.
        assertThat(plans).containsExactly(new PodPlan("vx1-worker", "coredns", Ipv4.parse("10.187.1.3"), true));
        String two = """
                {"items":[
                 {"metadata":{"name":"app-b"},"spec":{"nodeName":"vx1-worker"},
                  "status":{"phase":"Running","podIP":"10.187.1.7","conditions":[{"type":"Ready","status":"True"}]}},
                 {"metadata":{"name":"app-a"},"spec":{"nodeName":"vx1-worker"},
                  "status":{"phase":"Running","podIP":"10.187.1.8","conditions":[{"type":"Ready","status":"True"}]}}]}
                """;
        assertThat(KindClusterBuilder.podPlans(KubeOutput.pods(two), "app", List.of("vx1-worker"), false))
                .containsExactly(new PodPlan("vx1-worker", "app", Ipv4.parse("10.187.1.8"), false),
                        new PodPlan("vx1-worker", "app2", Ipv4.parse("10.187.1.7"), false));
    }

    @Test
    void dockerNetworkIpLinksServicesAndNamespaces() throws Exception {
        assertThat(KubeOutput.ipv4Subnet("[{\"Subnet\":\"fc00:f853:ccd:e793::/64\"},{\"Subnet\":\"172.18.0.0/16\","
                + "\"Gateway\":\"172.18.0.1\"}]", "kind").toString()).isEqualTo("172.18.0.0/16");
        assertThatThrownBy(() -> KubeOutput.ipv4Subnet("[{\"Subnet\":\"fc00::/64\"}]", "kind"))
                .isInstanceOf(LabException.class).hasMessage("the Docker network kind has no IPv4 subnet");
        assertThat(KubeOutput.link("[{\"ifindex\":5,\"ifname\":\"flannel.1\",\"mtu\":1450,\"address\":"
                + "\"ea:77:37:86:ee:bf\"}]")).isEqualTo(new KubeOutput.Link("flannel.1", "ea:77:37:86:ee:bf", 1450));
        assertThat(KubeOutput.clusterIp("{\"spec\":{\"clusterIP\":\"10.186.0.10\"}}")).isEqualTo(Ipv4.parse("10.186.0.10"));
        assertThat(KubeOutput.netnsByIp("10.187.1.2 cni-aa\n10.187.1.3 cni-bb\ngarbage\n"))
                .containsExactly(Map.entry(Ipv4.parse("10.187.1.2"), "cni-aa"), Map.entry(Ipv4.parse("10.187.1.3"), "cni-bb"));
    }

    @Test
    void aPodsHostVethIsFoundThroughItsPeersIfindex() {
        String inPod = "3: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP mode DEFAULT "
                + "group default \\    link/ether 5a:1f:00:00:00:01 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n";
        assertThat(KubeOutput.peerIndex(inPod)).contains(7);
        assertThat(KubeOutput.peerIndex("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n")).isEmpty();
        String onNode = """
                1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN
                5: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN
                6: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP
                7: veth3a1b2c4d@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue master cni0 state UP
                17: eth0@if18: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP
                """;
        assertThat(KubeOutput.linkName(onNode, 7)).contains("veth3a1b2c4d");
        assertThat(KubeOutput.linkName(onNode, 17)).contains("eth0");
        assertThat(KubeOutput.linkName(onNode, 70)).isEmpty();
    }

    @Test
    void outputThatIsNotJsonIsOneSentence() {
        assertThatThrownBy(() -> KubeOutput.pods("error: You must be logged in"))
                .isInstanceOf(LabException.class).hasMessageStartingWith("kubectl get pods -o json printed something that is not JSON");
        assertThatThrownBy(() -> KubeOutput.link("[]")).hasMessage("ip -j link show printed no link");
    }
}
