package dev.vxlab.detectors.advertised;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class NodeListReaderTest {

    @Test
    void readsWhatFlannelAdvertisedForEveryNode() throws Exception {
        ClusterView view = NodeListReader.read(FieldCluster.kubectlJson());
        assertThat(view.nodes()).containsExactlyElementsOf(FieldCluster.NODES);
        AdvertisedNode n21 = view.byName("kylin-21").orElseThrow();
        assertThat(n21.podCidr()).isEqualTo(Ipv4Prefix.parse("10.187.1.0/24"));
        assertThat(n21.publicIp()).isEqualTo(Ipv4.parse("172.31.159.21"));
        assertThat(n21.vtepMac()).isEqualTo(MacAddress.parse("2a:f1:d4:d0:32:24"));
        assertThat(n21.backendType()).isEqualTo("vxlan");
        assertThat(n21.kubeSubnetManager()).isTrue();
        assertThat(n21.vtepAddress()).isEqualTo(Ipv4Prefix.parse("10.187.1.0/32"));
    }

    @Test
    void looksNodesUpBySubnetAddressPublicIpAndMac() throws Exception {
        ClusterView view = NodeListReader.read(FieldCluster.kubectlJson());
        assertThat(view.owning(Ipv4.parse("10.187.1.24"))).get().extracting(AdvertisedNode::name)
                .as("CoreDNS 10.187.1.24 runs on .21").isEqualTo("kylin-21");
        assertThat(view.owning(Ipv4.parse("10.187.4.24"))).get().extracting(AdvertisedNode::name)
                .isEqualTo("kylin-22");
        assertThat(view.bySubnet(Ipv4Prefix.parse("10.187.0.1/24"))).get().extracting(AdvertisedNode::name)
                .isEqualTo("kylin-19");
        assertThat(view.byPublicIp(Ipv4.parse("172.31.159.22"))).get().extracting(AdvertisedNode::vtepMac)
                .isEqualTo(MacAddress.parse("4a:e7:02:47:20:b8"));
        assertThat(view.byVtepMac(MacAddress.parse("ce:ce:f3:fc:3f:77"))).get().extracting(AdvertisedNode::name)
                .isEqualTo("kylin-23");
        assertThat(view.byVtepMac(MacAddress.parse("b6:9b:ed:b0:37:74")))
                .as("the MAC the source node's flannel.1 really had: advertised by nobody").isEmpty();
        assertThat(view.owning(Ipv4.parse("10.186.0.2"))).isEmpty();
        assertThat(view.byName("nope")).isEmpty();
    }

    @Test
    void aSingleNodeReadsAsAListOfOne() throws Exception {
        String one = NodeListWriter.defaults().write(FieldCluster.NODES.subList(0, 1));
        String node = one.substring(one.indexOf("{", one.indexOf("\"items\"")), one.lastIndexOf("],"));
        assertThat(NodeListReader.read(node).nodes()).containsExactly(FieldCluster.NODES.getFirst());
        assertThat(NodeListReader.read("{\"apiVersion\":\"v1\",\"kind\":\"NodeList\",\"items\":[]}").nodes()).isEmpty();
    }

    private static void assertOneSentence(ThrowingCallable read, String message) {
        assertThatThrownBy(read).isInstanceOf(AdvertisedViewException.class)
                .hasMessage(message)
                .message().doesNotContain("com.fasterxml", "Exception", "\n");
    }

    private static String field() {
        return FieldCluster.kubectlJson();
    }

    @Test
    void malformedJsonIsOneSentenceWithThePosition() {
        String broken = field().substring(0, 400);
        assertThatThrownBy(() -> NodeListReader.read(broken)).isInstanceOf(AdvertisedViewException.class)
                .hasMessageStartingWith("the node list is not valid JSON (line ")
                .hasCauseInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class)
                .message().doesNotContain("com.fasterxml", "\n");
        assertOneSentence(() -> NodeListReader.read("[]"),
                "the node list is not a JSON object as 'kubectl get nodes -o json' prints");
        assertOneSentence(() -> NodeListReader.read("{\"kind\":\"PodList\",\"items\":[]}"),
                "the JSON is a PodList, not a node list as 'kubectl get nodes -o json' prints");
        assertOneSentence(() -> NodeListReader.read("{\"kind\":\"List\"}"), "the node list has no 'items' array");
    }

    @Test
    void aMissingAnnotationNamesTheNodeAndTheAnnotation() {
        String noIp = field().replace("\"flannel.alpha.coreos.com/public-ip\": \"172.31.159.21\",", "");
        assertOneSentence(() -> NodeListReader.read(noIp), "node 'kylin-21' has no annotation "
                + "flannel.alpha.coreos.com/public-ip (has flannel registered this node?)");
        String noData = field().replace("\"flannel.alpha.coreos.com/backend-data\": "
                + "\"{\\\"VtepMAC\\\":\\\"4a:e7:02:47:20:b8\\\"}\",", "");
        assertOneSentence(() -> NodeListReader.read(noData), "node 'kylin-22' has no annotation "
                + "flannel.alpha.coreos.com/backend-data (has flannel registered this node?)");
        String noCidr = field().replace("\"podCIDR\": \"10.187.3.0/24\"", "\"unschedulable\": true");
        assertOneSentence(() -> NodeListReader.read(noCidr), "node 'kylin-23' has no spec.podCIDR");
        String noName = field().replace("\"name\": \"kylin-20\",", "");
        assertOneSentence(() -> NodeListReader.read(noName), "item 2 of the node list has no metadata.name");
    }

    @Test
    void aBadValueNamesTheNodeFieldAndValue() {
        String badMac = field().replace("2a:f1:d4:d0:32:24", "2a:f1:d4:d0:32");
        assertOneSentence(() -> NodeListReader.read(badMac), "node 'kylin-21': VtepMAC '2a:f1:d4:d0:32' in "
                + "annotation flannel.alpha.coreos.com/backend-data is not a MAC address");
        String notJson = field().replace("{\\\"VtepMAC\\\":\\\"2a:f1:d4:d0:32:24\\\"}", "VtepMAC=2a:f1:d4:d0:32:24");
        assertOneSentence(() -> NodeListReader.read(notJson), "node 'kylin-21': annotation "
                + "flannel.alpha.coreos.com/backend-data is not JSON: 'VtepMAC=2a:f1:d4:d0:32:24'");
        String noMac = field().replace("{\\\"VtepMAC\\\":\\\"2a:f1:d4:d0:32:24\\\"}", "{\\\"VNI\\\":1}");
        assertOneSentence(() -> NodeListReader.read(noMac), "node 'kylin-21': annotation "
                + "flannel.alpha.coreos.com/backend-data has no VtepMAC: '{\"VNI\":1}'");
        for (String cidr : new String[] {"10.187.1.0/33", "10.187.1.0", "fd00:187:1::/64", "ten"}) {
            String badCidr = field().replace("\"podCIDR\": \"10.187.1.0/24\"", "\"podCIDR\": \"" + cidr + "\"");
            assertOneSentence(() -> NodeListReader.read(badCidr),
                    "node 'kylin-21': spec.podCIDR '" + cidr + "' is not an IPv4 CIDR");
        }
        String badIp = field().replace("\"flannel.alpha.coreos.com/public-ip\": \"172.31.159.21\"",
                "\"flannel.alpha.coreos.com/public-ip\": \"172.31.159.321\"");
        assertOneSentence(() -> NodeListReader.read(badIp), "node 'kylin-21': annotation "
                + "flannel.alpha.coreos.com/public-ip '172.31.159.321' is not an IPv4 address");
        String badKsm = field().replaceFirst("\"flannel.alpha.coreos.com/kube-subnet-manager\": \"true\"",
                "\"flannel.alpha.coreos.com/kube-subnet-manager\": \"yes\"");
        assertOneSentence(() -> NodeListReader.read(badKsm), "node 'kylin-19': annotation "
                + "flannel.alpha.coreos.com/kube-subnet-manager is 'yes', not true or false");
    }

    @Test
    void aDuplicateNodeIsRefused() {
        String twice = field().replace("\"name\": \"kylin-20\"", "\"name\": \"kylin-19\"");
        assertOneSentence(() -> NodeListReader.read(twice), "node 'kylin-19' appears twice in the node list");
    }
}
