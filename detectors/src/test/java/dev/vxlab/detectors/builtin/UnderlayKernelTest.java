package dev.vxlab.detectors.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.cluster.ClusterCorrelation;
import dev.vxlab.detectors.cluster.ClusterReport;
import dev.vxlab.detectors.cluster.NodeObservation;
import dev.vxlab.detectors.source.CommandRunner;
import dev.vxlab.detectors.source.IpJsonSource;
import dev.vxlab.detectors.source.NmFactsSource;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FlannelConfig;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.Severity;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.detectors.testkit.TestNetns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The underlay detectors against real kernels: a three-node flannel cluster built by hand with ip and bridge (a fabric
 * namespace holding the underlay bridge and its gateway, three node namespaces programmed as flannel programs them),
 * snapshotted with {@code ip -j}. Each case breaks one node's underlay the way the field does, and the doctor must
 * name it on that node and nothing on the others; removing the detector makes the case fail.
 */
@Kernel
class UnderlayKernelTest {
    private static final Doctor DOCTOR = Doctor.load();
    private static final Ipv4 GATEWAY = Ipv4.parse("172.31.159.254");
    private static final int NODES = 3;

    private TestNetns netns;
    private String fabric;
    private final List<String> nodes = new ArrayList<>();
    private ClusterView view;

    private static AdvertisedNode lease(int i) {
        return new AdvertisedNode("node-" + i, Ipv4Prefix.parse("10.187." + i + ".0/24"),
                Ipv4.parse("172.31.159." + (19 + i)), new MacAddress(0x0a_00_00_00_00_10L + i), "vxlan", true);
    }

    @BeforeEach
    void build() {
        netns = new TestNetns();
        fabric = netns.add("fab");
        netns.ip(fabric, "link", "add", "br0", "type", "bridge");
        netns.ip(fabric, "addr", "add", GATEWAY + "/24", "dev", "br0");
        netns.ip(fabric, "link", "set", "br0", "up");
        List<AdvertisedNode> leases = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            leases.add(lease(i));
        }
        view = new ClusterView(leases);
        for (int i = 0; i < NODES; i++) {
            AdvertisedNode self = leases.get(i);
            String ns = netns.add("n" + i);
            nodes.add(ns);
            netns.ip(fabric, "link", "add", "v" + i, "type", "veth", "peer", "name", "eth0", "netns", ns);
            netns.ip(fabric, "link", "set", "v" + i, "master", "br0", "up");
            netns.ip(ns, "link", "set", "lo", "up");
            netns.ip(ns, "addr", "add", self.publicIp() + "/24", "dev", "eth0");
            netns.ip(ns, "link", "set", "eth0", "up");
            netns.ip(ns, "route", "add", "default", "via", GATEWAY.toString(), "dev", "eth0");
            netns.ip(ns, "link", "add", "flannel.1", "address", self.vtepMac().toString(), "type", "vxlan", "id", "1",
                    "local", self.publicIp().toString(), "dev", "eth0", "dstport", "8472", "nolearning");
            netns.ip(ns, "link", "set", "flannel.1", "mtu", "1450");
            netns.ip(ns, "addr", "add", self.podCidr().network() + "/32", "dev", "flannel.1");
            netns.ip(ns, "link", "set", "flannel.1", "up");
            netns.ip(ns, "link", "add", "cni0", "type", "bridge");
            netns.ip(ns, "link", "set", "cni0", "mtu", "1450");
            netns.ip(ns, "addr", "add", self.podCidr().host(1) + "/24", "dev", "cni0");
            netns.ip(ns, "link", "set", "cni0", "up");
            for (AdvertisedNode peer : leases) {
                if (peer != self) {
                    program(ns, peer);
                }
            }
            netns.exec(ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        }
    }

    /** flannel's three entries for a peer, as its netlink calls leave them (replace: idempotent). */
    private void program(String ns, AdvertisedNode peer) {
        String vtep = peer.podCidr().network().toString();
        netns.ip(ns, "route", "replace", peer.podCidr().toString(), "via", vtep, "dev", "flannel.1", "onlink");
        netns.ip(ns, "neigh", "replace", vtep, "lladdr", peer.vtepMac().toString(), "dev", "flannel.1", "nud",
                "permanent");
        netns.bridge(ns, "fdb", "replace", peer.vtepMac().toString(), "dev", "flannel.1", "dst",
                peer.publicIp().toString(), "self", "permanent");
    }

    @AfterEach
    void tearDown() {
        if (netns != null) {
            netns.close();
        }
    }

    private NodeState snapshot(int i) throws Exception {
        return IpJsonSource.of(CommandRunner.netns(nodes.get(i)), NmFactsSource.NOT_INSPECTED).snapshot();
    }

    private Map<Integer, NodeState> snapshots() throws Exception {
        Map<Integer, NodeState> out = new TreeMap<>();
        for (int i = 0; i < NODES; i++) {
            out.put(i, snapshot(i));
        }
        return out;
    }

    /** Every impairing or risky finding on every node, as "node fault device", with the healthy snapshot as previous. */
    private TreeSet<String> named(ClusterView published, Map<Integer, NodeState> before) throws Exception {
        TreeSet<String> out = new TreeSet<>();
        for (int i = 0; i < NODES; i++) {
            DetectionInput in = DetectionInput.of("node-" + i, snapshot(i), published).withPrevious(before.get(i));
            for (Finding f : DOCTOR.examine(in).findings()) {
                if (f.severity() != Severity.INFO) {
                    out.add(f.node() + " " + f.fault() + " " + f.device());
                }
            }
        }
        return out;
    }

    private Finding only(String node, String fault, Map<Integer, NodeState> before) throws Exception {
        int i = Integer.parseInt(node.substring("node-".length()));
        DetectionInput in = DetectionInput.of(node, snapshot(i), view).withPrevious(before.get(i));
        return DOCTOR.examine(in).findings().stream().filter(f -> f.fault().equals(fault)).findFirst().orElseThrow();
    }

    @Test
    void aHandBuiltClusterIsHealthy() throws Exception {
        assertThat(named(view, snapshots())).isEmpty();
    }

    @Test
    void aRenumberedUnderlayIsNamedOnItsNode() throws Exception {
        Map<Integer, NodeState> before = snapshots();
        String n0 = nodes.get(0);
        netns.ip(n0, "addr", "del", "172.31.159.19/24", "dev", "eth0");
        netns.ip(n0, "addr", "add", "172.31.159.119/24", "dev", "eth0");
        netns.ip(n0, "route", "replace", "default", "via", GATEWAY.toString(), "dev", "eth0");
        assertThat(named(view, before)).containsExactly("node-0 underlay-address-missing eth0");
        Finding f = only("node-0", "underlay-address-missing", before);
        assertThat(f.actual()).contains("no link holds 172.31.159.19").contains("172.31.159.119/24");
        assertThat(f.fixes()).containsExactly("restore-underlay-address", "flannel-resync");
    }

    @Test
    void anUnderlayWithoutCarrierIsNamedOnItsNode() throws Exception {
        Map<Integer, NodeState> before = snapshots();
        netns.ip(fabric, "link", "set", "v1", "down"); // the switch port: node-1's eth0 stays up, without a carrier
        assertThat(named(view, before)).containsExactly("node-1 underlay-no-carrier eth0");
    }

    @Test
    void aPeerWhosePublicIpHasNoRouteIsNamed() throws Exception {
        Map<Integer, NodeState> before = snapshots();
        netns.ip(nodes.get(2), "route", "add", "unreachable", "172.31.159.20/32");
        assertThat(named(view, before)).containsExactly("node-2 underlay-route-missing eth0");
        assertThat(only("node-2", "underlay-route-missing", before).actual())
                .contains("172.31.159.20 (node-1): unreachable 172.31.159.20/32");
    }

    @Test
    void aLostDefaultRouteIsNamedWithTheRouteToAddBack() throws Exception {
        Map<Integer, NodeState> before = snapshots();
        netns.ip(nodes.get(1), "route", "del", "default");
        assertThat(named(view, before)).containsExactly("node-1 default-route-missing eth0");
        Finding f = only("node-1", "default-route-missing", before);
        assertThat(f.severity()).isEqualTo(Severity.WARNING);
        assertThat(f.summary()).contains("ip route add default via 172.31.159.254 dev eth0");
        assertThat(f.fixes()).containsExactly("restore-default-route");
    }

    @Test
    void anUnderlayMtuBelowFlannelsIsNamedAsAnUnderlayProblem() throws Exception {
        Map<Integer, NodeState> before = snapshots();
        netns.ip(nodes.get(0), "link", "set", "eth0", "mtu", "1400");
        assertThat(named(view, before)).containsExactly("node-0 mtu-mismatch eth0");
        assertThat(only("node-0", "mtu-mismatch", before).summary()).startsWith("underlay MTU too small");
    }

    /**
     * node-0 is a clone of node-1's image: its flannel.1 gets node-1's MAC, its flanneld programs its own entries and
     * publishes the MAC, and every node re-programs its entries for node-0 (the FDB keeps one entry per MAC, so node-1's now points at node-0).
     */
    @Test
    void clonedNodesSharingAVtepMacAreNamedOnBothAndTheOriginalsEntryOnTheThird() throws Exception {
        Map<Integer, NodeState> before = snapshots();
        MacAddress shared = lease(1).vtepMac();
        netns.ip(nodes.get(0), "link", "set", "dev", "flannel.1", "address", shared.toString());
        // A new MAC drops the device's neighbor entries; the clone's flanneld programs them again at start.
        program(nodes.get(0), lease(1));
        program(nodes.get(0), lease(2));
        AdvertisedNode clone = lease(0).withVtepMac(shared);
        ClusterView published = new ClusterView(List.of(clone, lease(1), lease(2)));
        netns.bridge(nodes.get(1), "fdb", "del", lease(0).vtepMac().toString(), "dev", "flannel.1", "dst",
                lease(0).publicIp().toString(), "self");
        netns.bridge(nodes.get(2), "fdb", "del", lease(0).vtepMac().toString(), "dev", "flannel.1", "dst",
                lease(0).publicIp().toString(), "self");
        program(nodes.get(1), clone);
        program(nodes.get(2), clone);

        assertThat(named(published, before)).containsExactly("node-0 duplicate-vtep-mac flannel.1",
                "node-1 duplicate-vtep-mac flannel.1", "node-2 wrong-peer-fdb-dst flannel.1");

        List<NodeObservation> seen = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            seen.add(NodeObservation.ofSnapshot("node-" + i, snapshot(i), FlannelConfig.DEFAULT));
        }
        ClusterReport report = ClusterCorrelation.correlate(published, seen);
        assertThat(report.duplicates()).extracting(d -> d.what() + " " + d.nodes())
                .contains("published VtepMAC [node-0, node-1]", "device MAC [node-0, node-1]");
        assertThat(report.fixOrder()).extracting(s -> s.node() + " " + s.fix())
                .containsExactly("node-1 regenerate-vtep-mac");
    }

    /** The field bug seen from the cluster: node-0 drifted, its peers merely hold the MAC it published. */
    @Test
    void theClusterViewNamesTheDriftedNodeAndItsStalePeers() throws Exception {
        netns.ip(nodes.get(0), "link", "set", "dev", "flannel.1", "address", "b6:9b:ed:b0:37:74");
        List<NodeObservation> seen = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            seen.add(NodeObservation.ofSnapshot("node-" + i, snapshot(i), FlannelConfig.DEFAULT));
        }
        ClusterReport report = ClusterCorrelation.correlate(view, seen);
        assertThat(report.drifted()).extracting(ClusterReport.Drift::node).containsExactly("node-0");
        assertThat(report.stale()).extracting(s -> s.holder() + " " + s.about() + " " + s.becauseDrifted())
                .containsExactly("node-1 node-0 true", "node-2 node-0 true");
        assertThat(report.fixOrder()).extracting(s -> s.node() + " " + s.fix()).containsExactly("node-0 flannel-resync");
        assertThat(Optional.of(report.toText())).get().asString().contains("drifted");
    }
}
