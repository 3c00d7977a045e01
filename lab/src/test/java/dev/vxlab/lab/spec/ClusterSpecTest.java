package dev.vxlab.lab.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import org.junit.jupiter.api.Test;

class ClusterSpecTest {

    @Test
    void theFieldProfileHasTheFieldsLeasesMacsAndCoreDnsPods() {
        ClusterSpec field = ClusterSpec.field(5);
        assertThat(field.nodes()).extracting(n -> n.name() + " " + n.subnet() + " " + n.vtepMac()).containsExactly(
                "172.31.159.19 10.187.0.0/24 ea:77:37:86:ee:bf",
                "172.31.159.20 10.187.2.0/24 f2:d2:28:8e:4c:61",
                "172.31.159.21 10.187.1.0/24 2a:f1:d4:d0:32:24",
                "172.31.159.22 10.187.4.0/24 4a:e7:02:47:20:b8",
                "172.31.159.23 10.187.3.0/24 ce:ce:f3:fc:3f:77");
        assertThat(field.dnsPods()).extracting(p -> p.ip() + " on " + p.node())
                .containsExactly("10.187.1.24 on 172.31.159.21", "10.187.4.24 on 172.31.159.22");
        assertThat(field.dnsServiceIp()).hasToString("10.186.0.2");
        assertThat(field.vxlanMtu()).isEqualTo(1450);
        assertThat(field.vtepDevice()).isEqualTo("flannel.1");
        assertThat(field.clusterDomain()).isEqualTo("cluster1.local");
    }

    @Test
    void smallerClustersStillHaveADnsPodOffTheFirstNode() {
        for (int n = 2; n <= 8; n++) {
            ClusterSpec spec = ClusterSpec.field(n);
            assertThat(spec.dnsPods()).isNotEmpty().noneMatch(p -> p.node().equals("172.31.159.19"));
            assertThat(spec.pods()).filteredOn(p -> !p.dns()).hasSize(n);
        }
    }

    @Test
    void nodesAreFoundByNameIpOrIndex() {
        ClusterSpec spec = ClusterSpec.field(3);
        assertThat(spec.node("0").name()).isEqualTo("172.31.159.19");
        assertThat(spec.node("node2").name()).isEqualTo("172.31.159.21");
        assertThat(spec.node("172.31.159.20").index()).isEqualTo(1);
        assertThatThrownBy(() -> spec.node("node7")).hasMessageContaining("no node 'node7'")
                .hasMessageContaining("172.31.159.19");
    }

    @Test
    void rejectsPlansThatCannotWork() {
        assertThatThrownBy(() -> ClusterSpec.field(1)).hasMessageContaining("2 to 256 nodes");
        assertThatThrownBy(() -> ClusterSpec.plan("x", 3, Ipv4Prefix.parse("10.0.0.0/24"), 1, false,
                Ipv4Prefix.parse("10.0.0.0/16"), Ipv4Prefix.parse("10.96.0.0/16"), "cluster.local", 1, 8472, 1500))
                .hasMessageContaining("must not overlap");
        assertThatThrownBy(() -> ClusterSpec.plan("x", 3, Ipv4Prefix.parse("192.168.0.0/24"), 1, false,
                Ipv4Prefix.parse("10.244.0.0/23"), Ipv4Prefix.parse("10.96.0.0/16"), "cluster.local", 1, 8472, 1500))
                .hasMessageContaining("too small");
    }

    @Test
    void aFieldClusterOf256NodesHasDistinctAddressesLeasesAndMacsInsideTheProfile() {
        assertThatThrownBy(() -> ClusterSpec.field(ClusterSpec.MAX_NODES + 1)).hasMessageContaining("2 to 256 nodes");
        ClusterSpec big = ClusterSpec.field(ClusterSpec.MAX_NODES);
        assertThat(big.nodes().getFirst().name()).isEqualTo("172.31.159.19");
        assertThat(big.nodes().getLast().name()).isEqualTo("172.31.160.18");
        assertThat(big.underlay()).hasToString("172.31.128.0/18");
        assertThat(big.nodes()).extracting(NodePlan::publicIp).doesNotHaveDuplicates()
                .allMatch(ip -> big.underlay().contains(ip))
                .noneMatch(ip -> ip.equals(big.underlay().host((int) big.underlay().size() - 2)));
        assertThat(big.nodes()).extracting(NodePlan::subnet).doesNotHaveDuplicates()
                .allMatch(s -> big.podNetwork().contains(s));
        assertThat(big.nodes()).extracting(NodePlan::vtepMac).doesNotHaveDuplicates();
        // The field's own nodes keep their /24 while it has room: 235 nodes end at .253, before the gateway .254.
        ClusterSpec fits = ClusterSpec.field(235);
        assertThat(fits.underlay()).hasToString("172.31.159.0/24");
        assertThat(fits.nodes().getLast().name()).isEqualTo("172.31.159.253");
        assertThat(ClusterSpec.field(236).underlay()).hasToString("172.31.128.0/18");
    }

    @Test
    void aPlanNeverGivesANodeTheGatewayAddressOrMoreNodesThanLeases() {
        assertThatThrownBy(() -> ClusterSpec.plan("x", 236, Ipv4Prefix.parse("192.168.0.0/24"), 19, false,
                Ipv4Prefix.parse("10.244.0.0/16"), Ipv4Prefix.parse("10.96.0.0/16"), "cluster.local", 1, 8472, 1500))
                .hasMessageContaining("no room for 236 nodes");
        assertThatThrownBy(() -> ClusterSpec.plan("x", 5, Ipv4Prefix.parse("192.168.0.0/24"), 1, false,
                Ipv4Prefix.parse("10.244.0.0/22"), Ipv4Prefix.parse("10.96.0.0/16"), "cluster.local", 1, 8472, 1500))
                .hasMessageContaining("only 4 /24 leases");
    }

    @Test
    void podVethNamesAreStableAndFitTheKernelsLimit() {
        PodPlan pod = ClusterSpec.field(5).pods().getFirst();
        assertThat(pod.hostVeth()).matches("veth[0-9a-f]{8}").isEqualTo(pod.hostVeth());
    }
}
