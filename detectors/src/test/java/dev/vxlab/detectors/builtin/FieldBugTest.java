package dev.vxlab.detectors.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.Severity;
import dev.vxlab.detectors.state.NmFacts;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.KernelEdits;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The field report (FIELD-BUG.md) told through the doctor: what it names, on which node, with which evidence. */
class FieldBugTest {
    private static final Doctor DOCTOR = Doctor.load();
    private static final MacAddress DRIFTED = MacAddress.parse("b6:9b:ed:b0:37:74");
    private final HealthyNodes field = HealthyNodes.of(ClusterPlan.field(5));

    private Diagnosis examine(String node, NodeState current) {
        return DOCTOR.examine(field.input(node, current));
    }

    @Test
    void theDriftedMacIsNamedOnTheNodeThatDriftedAndNowhereElse() {
        NodeState drifted = KernelEdits.setMac(field.state("kylin-19"), "flannel.1", DRIFTED);
        Diagnosis d = examine("kylin-19", drifted);
        assertThat(d.healthy()).isFalse();
        assertThat(d.findings()).singleElement().isEqualTo(new Finding(FaultIds.VTEP_MAC_DRIFT, "kylin-19", "flannel.1",
                "flannel.1 link/ether ea:77:37:86:ee:bf (advertised VtepMAC)",
                "flannel.1 link/ether b6:9b:ed:b0:37:74",
                "flannel.1 on 172.31.159.19 has MAC b6:9b:ed:b0:37:74 but the cluster was told ea:77:37:86:ee:bf;"
                        + " peers send replies to the old MAC and this node drops them as otherhost",
                Severity.CRITICAL, List.of("flannel-resync", "restore-vtep-mac")));
        // The peers' entries match what kylin-19 advertised: nothing is wrong with them.
        for (String peer : List.of("kylin-20", "kylin-21", "kylin-22", "kylin-23")) {
            assertThat(DOCTOR.examine(field.input(peer)).findings()).as(peer).isEmpty();
        }
    }

    @Test
    void otherhostDropsThatTheDriftExplainsAreInfo() {
        HealthyNodes recent = HealthyNodes.of(ClusterPlan.field(5).withKernel(ClusterPlan.Kernel.RECENT));
        NodeState before = recent.state("kylin-19");
        NodeState drifted = KernelEdits.addOtherhostDrops(KernelEdits.setMac(before, "flannel.1", DRIFTED),
                "flannel.1", 12);
        Diagnosis d = DOCTOR.examine(recent.input("kylin-19", drifted));
        assertThat(d.findings()).extracting(Finding::fault, Finding::severity).containsExactly(
                org.assertj.core.groups.Tuple.tuple(FaultIds.VTEP_MAC_DRIFT, Severity.CRITICAL),
                org.assertj.core.groups.Tuple.tuple(FaultIds.OTHERHOST_DROPS, Severity.INFO));
        assertThat(d.findings().get(1).actual()).isEqualTo("flannel.1 rx otherhost_dropped 0 -> 12 (+12)");

        // Without a drift on this node the drops are a symptom worth a warning (a peer holds a stale MAC).
        Diagnosis symptom = DOCTOR.examine(recent.input("kylin-20",
                KernelEdits.addOtherhostDrops(recent.state("kylin-20"), "flannel.1", 3)));
        assertThat(symptom.findings()).singleElement().satisfies(f -> {
            assertThat(f.fault()).isEqualTo(FaultIds.OTHERHOST_DROPS);
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
        });
    }

    @Test
    void withoutAnEarlierSnapshotOrOnAnOldKernelTheCounterSaysNothing() {
        HealthyNodes recent = HealthyNodes.of(ClusterPlan.field(5).withKernel(ClusterPlan.Kernel.RECENT));
        NodeState rose = KernelEdits.addOtherhostDrops(recent.state("kylin-20"), "flannel.1", 3);
        DetectionInput noPrevious = new DetectionInput("kylin-20", rose, Optional.empty(), recent.view(),
                Optional.of(recent.subnetEnv("kylin-20")), recent.plan().flannel());
        assertThat(DOCTOR.examine(noPrevious).findings()).isEmpty();
        // 4.19 has no counter at all: the field's own node (see HealthyClusterTest) gives nothing either way.
        assertThat(field.state("kylin-20").link("flannel.1").orElseThrow().counters().orElseThrow()
                .rxOtherhostDropped()).isEmpty();
    }

    @Test
    void step7AddressLossAfterTheDriftIsTwoRootCausesAndNoRouteNoise() {
        NodeState drifted = KernelEdits.setMac(field.state("kylin-19"), "flannel.1", DRIFTED);
        NodeState restarted = KernelEdits.removeAddress(drifted, "flannel.1",
                field.node("kylin-19").vtepAddress());
        assertThat(restarted.routesVia("flannel.1")).as("the kernel dropped them").isEmpty();
        assertThat(restarted.neighborsOf("flannel.1")).isEmpty();
        assertThat(restarted.fdbOf("flannel.1")).as("FDB entries survive").hasSize(4);

        Diagnosis d = examine("kylin-19", restarted);
        assertThat(d.findings()).extracting(Finding::fault)
                .containsExactly(FaultIds.VTEP_ADDRESS_MISSING, FaultIds.VTEP_MAC_DRIFT);
        assertThat(d.findings().getFirst().summary()).contains("lost its address 10.187.0.0/32")
                .contains("dropped every route and neighbor entry");
    }

    @Test
    void aPeerThatRePublishedLeavesStaleEntriesOnEveryOtherNode() {
        MacAddress fresh = MacAddress.parse("7a:3c:58:e1:90:2d");
        AdvertisedNode old21 = field.node("kylin-21");
        ClusterView republished = new ClusterView(field.view().nodes().stream()
                .map(n -> n.name().equals("kylin-21") ? n.withVtepMac(fresh) : n).toList());
        NodeState node21 = KernelEdits.setMac(field.state("kylin-21"), "flannel.1", fresh);
        assertThat(DOCTOR.examine(new DetectionInput("kylin-21", node21, Optional.empty(), republished,
                Optional.of(field.subnetEnv("kylin-21")), field.plan().flannel())).findings()).isEmpty();

        for (String node : List.of("kylin-19", "kylin-20", "kylin-22", "kylin-23")) {
            Diagnosis d = DOCTOR.examine(new DetectionInput(node, field.state(node), Optional.empty(), republished,
                    Optional.of(field.subnetEnv(node)), field.plan().flannel()));
            assertThat(d.findings()).as(node).singleElement().satisfies(f -> {
                assertThat(f.fault()).isEqualTo(FaultIds.STALE_PEER_VTEP_MAC);
                assertThat(f.device()).isEqualTo("flannel.1");
                assertThat(f.expected()).isEqualTo("neighbor 10.187.1.0 lladdr 7a:3c:58:e1:90:2d PERMANENT; "
                        + "fdb 7a:3c:58:e1:90:2d dst 172.31.159.21");
                assertThat(f.actual()).isEqualTo("neighbor 10.187.1.0 lladdr " + old21.vtepMac() + " PERMANENT; "
                        + "fdb " + old21.vtepMac() + " dst 172.31.159.21");
                assertThat(f.summary()).contains("old VTEP MAC for 1 peer (kylin-21 (10.187.1.0/24))");
            });
        }
    }

    @Test
    void networkManagerWithoutTheFieldsDropInIsARiskNotAnOutage() {
        NodeState nm = KernelEdits.networkManager(field.state("kylin-19"),
                new NmFacts(true, true, List.of("interface-name:docker0")));
        Diagnosis d = examine("kylin-19", nm);
        assertThat(d.healthy()).as("it works now").isTrue();
        assertThat(d.findings()).singleElement().satisfies(f -> {
            assertThat(f.fault()).isEqualTo(FaultIds.NM_MANAGES_CNI_DEVICES);
            assertThat(f.device()).isEqualTo(Finding.NODE_WIDE);
            assertThat(f.severity()).isEqualTo(Severity.RISK);
            assertThat(f.actual()).startsWith("NetworkManager runs; unmanaged-devices misses flannel*, cni0, veth*");
        });
        NodeState fixed = KernelEdits.networkManager(field.state("kylin-19"),
                new NmFacts(true, true, HealthyNodes.FIELD_UNMANAGED));
        assertThat(examine("kylin-19", fixed).findings()).isEmpty();
        NodeState stopped = KernelEdits.networkManager(field.state("kylin-19"), new NmFacts(true, false, List.of()));
        assertThat(examine("kylin-19", stopped).findings()).isEmpty();
    }
}
