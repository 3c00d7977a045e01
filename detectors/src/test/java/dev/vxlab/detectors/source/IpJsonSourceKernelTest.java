package dev.vxlab.detectors.source;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.LinkRef;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.Scope;
import dev.vxlab.detectors.testkit.FlannelNode;
import dev.vxlab.detectors.testkit.StillSnapshots;
import dev.vxlab.detectors.testkit.TestNetns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * IpJsonSource against a real kernel: a namespace programmed exactly as flannel's vxlan backend programs a node, read
 * back entry by entry. Runs inside the lab sandbox (root or rootless); every namespace it makes is deleted.
 */
@Kernel
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IpJsonSourceKernelTest {
    private final TestNetns lab = new TestNetns();
    private FlannelNode node;
    private NodeState state;
    private Path etcNetworkManager;

    @BeforeAll
    void programTheNodeAndReadIt(@TempDir Path etc) throws Exception {
        etcNetworkManager = etc;
        node = FlannelNode.build(lab);
        Files.createDirectories(etcNetworkManager.resolve("conf.d"));
        Files.writeString(etcNetworkManager.resolve("conf.d/k8s.conf"),
                "[keyfile]\nunmanaged-devices=interface-name:flannel*;interface-name:veth*;interface-name:cni0\n");
        state = source(CommandRunner.netns(node.node())).snapshot();
    }

    @AfterAll
    void deleteTheNamespaces() {
        lab.close();
    }

    private IpJsonSource source(CommandRunner runner) throws SnapshotException {
        return IpJsonSource.of(runner, NmFactsSource.fromConfigDirectory(etcNetworkManager, () -> false));
    }

    private Link link(String name) {
        return state.link(name).orElseThrow(() -> new AssertionError("no link " + name + " in " + state.links()));
    }

    @Test
    void readsTheVxlanDeviceAsFlannelMadeIt() {
        Link flannel = link("flannel.1");
        assertThat(flannel.kind()).contains("vxlan");
        assertThat(flannel.mac()).contains(MacAddress.parse(FlannelNode.VTEP_MAC));
        assertThat(flannel.mtu()).isEqualTo(1450);
        assertThat(flannel.flagSet()).contains(Link.Flag.UP, Link.Flag.RUNNING, Link.Flag.LOWER_UP,
                Link.Flag.BROADCAST, Link.Flag.MULTICAST);
        assertThat(flannel.vxlan()).get().satisfies(v -> {
            assertThat(v.vni()).isEqualTo(1);
            assertThat(v.port()).isEqualTo(8472);
            assertThat(v.learning()).isFalse();
            assertThat(v.local()).contains(Ipv4.parse("172.31.159.19"));
            assertThat(v.underlay()).contains(link("eth0").ref());
        });
        assertThat(state.addressesOf("flannel.1")).containsExactly(
                new Address(flannel.ref(), Ipv4Prefix.parse("10.187.0.0/32"), Scope.UNIVERSE));
    }

    @Test
    void readsTheBridgeAndItsPort() {
        Link cni0 = link("cni0");
        assertThat(cni0.kind()).contains("bridge");
        assertThat(cni0.mac()).contains(MacAddress.parse("5e:4f:7c:2b:8a:01"));
        assertThat(state.addressesOf("cni0")).containsExactly(
                new Address(cni0.ref(), Ipv4Prefix.parse("10.187.0.1/24"), Scope.UNIVERSE));
        Link port = link("veth3a5c1e07");
        assertThat(port.kind()).contains("veth");
        assertThat(port.master()).contains(cni0.ref());
        assertThat(port.mac()).contains(MacAddress.parse("8e:11:22:33:44:55"));
        assertThat(state.portsOf("cni0")).containsExactly(port);
        assertThat(link("lo").isLoopback()).isTrue();
        assertThat(link("lo").kind()).isEmpty();
        assertThat(link("eth0").kind()).contains("veth");
    }

    @Test
    void readsThePermanentNeighborAndFdbEntriesOfEveryPeer() {
        LinkRef flannel = link("flannel.1").ref();
        List<Neighbor> neighbors = new ArrayList<>();
        List<FdbEntry> fdb = new ArrayList<>();
        for (String[] peer : FlannelNode.PEERS) {
            MacAddress mac = MacAddress.parse(peer[1]);
            neighbors.add(new Neighbor(flannel, Ipv4.parse(peer[0]), Optional.of(mac), Neighbor.State.PERMANENT.bit()));
            fdb.add(new FdbEntry(flannel, mac, Optional.of(Ipv4.parse(peer[2])), FdbEntry.Flag.SELF.bit(),
                    Neighbor.State.PERMANENT.bit()));
        }
        assertThat(state.neighborsOf("flannel.1")).containsExactlyElementsOf(neighbors);
        assertThat(state.fdbOf("flannel.1")).containsExactlyInAnyOrderElementsOf(fdb);
        assertThat(state.fdb()).as("only the vxlan devices' FDB").hasSameElementsAs(fdb);
    }

    @Test
    void readsRoutesOfTheMainAndLocalTables() {
        LinkRef flannel = link("flannel.1").ref();
        for (String[] peer : FlannelNode.PEERS) {
            assertThat(state.routesIn(Route.TABLE_MAIN)).contains(new Route(Route.TABLE_MAIN, Route.Type.UNICAST,
                    Ipv4Prefix.parse(peer[0] + "/24"), Optional.of(Ipv4.parse(peer[0])), Optional.of(flannel),
                    Route.Flag.ONLINK.bit(), Scope.UNIVERSE, Route.Protocol.BOOT, Optional.empty(), 0));
        }
        assertThat(state.routesIn(Route.TABLE_LOCAL)).contains(new Route(Route.TABLE_LOCAL, Route.Type.LOCAL,
                Ipv4Prefix.parse("10.187.0.0/32"), Optional.empty(), Optional.of(flannel), 0, Scope.HOST,
                Route.Protocol.KERNEL, Optional.of(Ipv4.parse("10.187.0.0")), 0));
        assertThat(state.routesIn(Route.TABLE_MAIN)).contains(new Route(Route.TABLE_MAIN, Route.Type.BLACKHOLE,
                Ipv4Prefix.parse("10.99.0.0/16"), Optional.empty(), Optional.empty(), 0, Scope.UNIVERSE,
                Route.Protocol.BOOT, Optional.empty(), 0));
        assertThat(state.routesIn(100)).containsExactly(new Route(100, Route.Type.UNICAST,
                Ipv4Prefix.parse("10.97.0.0/16"), Optional.empty(), Optional.of(link("eth0").ref()), 0, Scope.LINK,
                Route.Protocol.STATIC, Optional.empty(), 50));
        assertThat(state.routesIn(Route.TABLE_MAIN)).filteredOn(Route::isDefault).singleElement()
                .satisfies(r -> assertThat(r.gateway()).contains(Ipv4.parse("172.31.159.254")));
        assertThat(state.routesIn(Route.TABLE_MAIN)).filteredOn(r -> r.dst().equals(Ipv4Prefix.parse("10.187.0.0/24")))
                .singleElement().satisfies(r -> {
                    assertThat(r.dev()).contains(link("cni0").ref());
                    assertThat(r.protocol()).isEqualTo(Route.Protocol.KERNEL);
                    assertThat(r.scope()).isEqualTo(Scope.LINK);
                    assertThat(r.prefsrc()).contains(Ipv4.parse("10.187.0.1"));
                });
    }

    @Test
    void readsSysctlsAndNetworkManagerFacts() {
        assertThat(state.sysctls().ipForward()).isTrue();
        assertThat(state.sysctls().rpFilter()).containsEntry("eth0", 2).containsKeys("flannel.1", "cni0", "lo");
        assertThat(state.sysctls().effectiveRpFilter("eth0")).isEqualTo(2);
        assertThat(state.networkManager().inspected()).isTrue();
        assertThat(state.networkManager().running()).isFalse();
        assertThat(state.networkManager().coversFlannel()).isTrue();
        assertThat(state.networkManager().coversVeth()).isTrue();
    }

    @Test
    void twoWaysIntoTheNamespaceGiveEqualSnapshots() throws Exception {
        // 'ip -n NS' and 'ip netns exec NS ip' enter the namespace differently.
        CommandRunner local = CommandRunner.local();
        SnapshotSource viaExec = source(argv -> {
            List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", node.node()));
            wrapped.addAll(argv);
            return local.run(wrapped);
        });
        StillSnapshots still = StillSnapshots.read(source(CommandRunner.netns(node.node())), viaExec);
        assertThat(still.inner().withoutCounters()).isEqualTo(still.before().withoutCounters());
    }

    @Test
    void countsFramesForAnotherHostsMacAsOtherhostDrops() throws Exception {
        assumeTrue(FlannelNode.kernelCountsOtherhost(), "rx_otherhost_dropped needs kernel 5.19+");
        SnapshotSource source = source(CommandRunner.netns(node.node()));
        long before = otherhost(source.snapshot());
        node.sendMisaddressedFrames(lab, 3);
        long after = before;
        for (int read = 0; read < 100 && after < before + 3; read++) {
            after = otherhost(source.snapshot());
        }
        assertThat(after - before).isEqualTo(3);
    }

    private static long otherhost(NodeState s) {
        return s.link("eth0").orElseThrow().counters().orElseThrow().rxOtherhostDropped().orElseThrow();
    }

    @Test
    void seesTheKernelFlushTheNeighborsWhenTheVtepMacChanges() throws Exception {
        try (TestNetns own = new TestNetns()) {
            FlannelNode drifted = FlannelNode.build(own);
            own.ip(drifted.node(), "link", "set", "flannel.1", "address", "7a:3c:58:e1:90:2d");
            NodeState s = IpJsonSource.of(CommandRunner.netns(drifted.node()), NmFactsSource.NOT_INSPECTED).snapshot();
            assertThat(s.link("flannel.1").orElseThrow().mac()).contains(MacAddress.parse("7a:3c:58:e1:90:2d"));
            assertThat(s.neighborsOf("flannel.1")).as("the kernel drops them with the MAC change").isEmpty();
            assertThat(s.fdbOf("flannel.1")).as("the FDB entries survive").hasSize(2);
            assertThat(s.networkManager().inspected()).isFalse();
        }
    }
}
