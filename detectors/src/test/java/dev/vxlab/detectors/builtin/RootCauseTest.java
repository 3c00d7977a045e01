package dev.vxlab.detectors.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.KernelEdits;
import dev.vxlab.detectors.testkit.Mutation;
import dev.vxlab.detectors.testkit.Target;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Root cause first: a device fault that makes the kernel drop routes and neighbors is reported alone; many peers with
 * one fault make one finding.
 */
class RootCauseTest {
    private static final Doctor DOCTOR = Doctor.load();
    private final HealthyNodes cluster = HealthyNodes.of(ClusterPlan.field(5).withKernel(ClusterPlan.Kernel.RECENT));
    private final Target node = new Target(cluster, "kylin-22");

    private List<String> faults(Mutation... mutations) {
        NodeState s = cluster.state(node.node());
        for (Mutation m : mutations) {
            s = m.apply(s, node);
        }
        return DOCTOR.examine(cluster.input(node.node(), s)).findings().stream().map(Mutation::key).toList();
    }

    @Test
    void aLostVtepAddressHidesTheRoutesAndNeighborsTheKernelDroppedWithIt() {
        assertThat(faults(new Mutation.RemoveVtepAddress())).containsExactly("vtep-address-missing@flannel.1");
    }

    @Test
    void aDownVtepHidesTheRoutesAndNeighborsTheKernelDroppedWithIt() {
        assertThat(faults(new Mutation.VtepDown())).containsExactly("vtep-link-down@flannel.1");
    }

    @Test
    void aMissingVxlanDeviceIsTheOnlyThingSaidAboutIt() {
        assertThat(faults(new Mutation.DeleteVxlan(), new Mutation.Mtu("flannel.1", 1300),
                new Mutation.RpFilterStrict("flannel.1"), new Mutation.OtherhostRise(9)))
                .containsExactly("vxlan-device-missing@flannel.1");
    }

    /**
     * Found by the property suites (model tier): a down underlay is no consequence of a missing flannel.1 and
     * re-creating flannel.1 does not cure it, so it is still reported (on the device holding the public IP).
     */
    @Test
    void aDownUnderlayIsReportedEvenWithoutTheVxlanDevice() {
        assertThat(faults(new Mutation.DeleteVxlan(), new Mutation.UnderlayDown()))
                .containsExactlyInAnyOrder("vxlan-device-missing@flannel.1", "vtep-link-down@eth0");
    }

    @Test
    void fdbFaultsSurviveADownVtepBecauseTheKernelKeepsTheFdb() {
        String peer = "kylin-19";
        assertThat(faults(new Mutation.VtepDown(), new Mutation.DropFdb(peer), new Mutation.DropRoute(peer)))
                .containsExactlyInAnyOrder("vtep-link-down@flannel.1", "missing-peer-fdb@flannel.1");
    }

    @Test
    void aRoutesFlushIsOneFindingNamingEveryPeer() {
        Diagnosis d = DOCTOR.examine(cluster.input(node.node(),
                new Mutation.FlushRoutes().apply(cluster.state(node.node()), node)));
        assertThat(d.findings()).singleElement().satisfies(f -> {
            assertThat(f.fault()).isEqualTo(FaultIds.MISSING_PEER_ROUTE);
            assertThat(f.summary()).contains("no route to 4 of 4 peer subnets")
                    .contains("kylin-19 (10.187.0.0/24)", "kylin-20 (10.187.2.0/24)", "kylin-21 (10.187.1.0/24)",
                            "kylin-23 (10.187.3.0/24)");
            assertThat(f.expected()).contains("10.187.0.0/24 via 10.187.0.0 dev flannel.1 onlink");
        });
    }

    @Test
    void aThousandPeersWithoutRoutesStillMakeOneShortFinding() {
        HealthyNodes big = HealthyNodes.of(ClusterPlan.of(1001, "172.20.0.0/16", 10, "10.0.0.0/8", 24, 7));
        Target t = new Target(big, big.names().getFirst());
        Diagnosis d = DOCTOR.examine(big.input(t.node(), new Mutation.FlushRoutes().apply(big.state(t.node()), t)));
        assertThat(d.findings()).singleElement().satisfies(f -> {
            assertThat(f.summary()).contains("no route to 1000 of 1000 peer subnets").contains("and 995 more");
            assertThat(f.actual()).endsWith("; … and 995 more");
        });
    }

    @Test
    void aMacChangeThatAlsoFlushedTheNeighborsReportsBoth() {
        // 'ip link set flannel.1 address' flushes the device's neighbor entries (FIELD-BUG.md); flanneld normally
        // programs them again. If it has not, pods lose the peers differently, and both faults are real.
        NodeState s = KernelEdits.neighbors(
                KernelEdits.setMac(cluster.state(node.node()), "flannel.1",
                        dev.vxlab.detectors.addr.MacAddress.parse("b6:9b:ed:b0:37:74")),
                n -> !n.dev().name().equals("flannel.1"), List.of());
        assertThat(DOCTOR.examine(cluster.input(node.node(), s)).findings()).extracting(Finding::fault)
                .containsExactly(FaultIds.MISSING_PEER_NEIGHBOR, FaultIds.VTEP_MAC_DRIFT);
    }
}
