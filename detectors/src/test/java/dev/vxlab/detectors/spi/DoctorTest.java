package dev.vxlab.detectors.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.KernelEdits;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DoctorTest {
    private final HealthyNodes field = HealthyNodes.of(ClusterPlan.field(5));

    @Test
    void serviceLoaderFindsEveryBuiltInDetector() {
        assertThat(Doctor.load().detectors()).extracting(Detector::name).containsExactly(
                "bridge", "bridge-ports", "default-route", "duplicate-vtep-mac", "firewall", "ip-forward", "mtu",
                "network-manager", "otherhost-drops", "path-walk", "peer-entries", "rp-filter", "udev-mac-policy",
                "underlay-address", "underlay-carrier", "underlay-route", "vtep-address", "vtep-link", "vtep-mac",
                "vxlan-device");
        assertThat(Doctor.load().detectors()).allSatisfy(d ->
                assertThat(d.getClass().getPackageName()).isEqualTo("dev.vxlab.detectors.builtin"));
    }

    @Test
    void theJsonHasExactlyThePublicShape() throws Exception {
        NodeState drifted = KernelEdits.setMac(field.state("kylin-19"), "flannel.1",
                MacAddress.parse("b6:9b:ed:b0:37:74"));
        NodeState risky = KernelEdits.networkManager(drifted,
                new dev.vxlab.detectors.state.NmFacts(true, true, List.of()));
        String json = Doctor.load().examine(field.input("kylin-19", risky)).toJson();
        JsonNode root = new ObjectMapper().readTree(json);
        assertThat(names(root)).containsExactly("node", "healthy", "findings");
        assertThat(root.get("node").asText()).isEqualTo("kylin-19");
        assertThat(root.get("healthy").isBoolean()).isTrue();
        assertThat(root.get("healthy").asBoolean()).isFalse();
        assertThat(root.get("findings")).hasSize(2);
        JsonNode first = root.get("findings").get(0);
        assertThat(names(first)).containsExactly("fault", "node", "device", "expected", "actual", "summary",
                "severity", "fixes");
        assertThat(first.get("fault").asText()).isEqualTo("vtep-mac-drift");
        assertThat(first.get("node").asText()).isEqualTo("kylin-19");
        assertThat(first.get("device").asText()).isEqualTo("flannel.1");
        assertThat(first.get("expected").asText()).isEqualTo("flannel.1 link/ether ea:77:37:86:ee:bf (advertised VtepMAC)");
        assertThat(first.get("actual").asText()).isEqualTo("flannel.1 link/ether b6:9b:ed:b0:37:74");
        assertThat(first.get("severity").asText()).isEqualTo("critical");
        assertThat(first.get("fixes").isArray()).isTrue();
        assertThat(first.get("fixes").get(0).asText()).isEqualTo("flannel-resync");
        assertThat(first.get("fixes").get(1).asText()).isEqualTo("restore-vtep-mac");
        assertThat(root.get("findings").get(1).get("severity").asText()).isEqualTo("risk");
        assertThat(root.get("findings").get(1).get("device").asText()).isEmpty();
    }

    @Test
    void aHealthyNodesJsonHasAnEmptyFindingsArray() throws Exception {
        JsonNode root = new ObjectMapper().readTree(Doctor.load().examine(field.input("kylin-20")).toJson());
        assertThat(root.get("healthy").asBoolean()).isTrue();
        assertThat(root.get("findings").isArray()).isTrue();
        assertThat(root.get("findings")).isEmpty();
    }

    @Test
    void findingsAreSortedBySeverityThenFaultThenDevice() {
        List<Finding> unsorted = List.of(
                finding("mtu-mismatch", "eth0", Severity.WARNING),
                finding("rp-filter-strict", "cni0", Severity.RISK),
                finding("mtu-mismatch", "cni0", Severity.WARNING),
                finding("vtep-mac-drift", "flannel.1", Severity.CRITICAL),
                finding("bridge-link-down", "veth2", Severity.CRITICAL),
                finding("bridge-link-down", "veth1", Severity.CRITICAL));
        Detector scattered = detector("scattered", in -> unsorted);
        Diagnosis d = Doctor.of(List.of(scattered)).examine(field.input("kylin-19"));
        assertThat(d.findings()).extracting(f -> f.fault() + "@" + f.device()).containsExactly(
                "bridge-link-down@veth1", "bridge-link-down@veth2", "vtep-mac-drift@flannel.1",
                "mtu-mismatch@cni0", "mtu-mismatch@eth0", "rp-filter-strict@cni0");
        assertThat(d.healthy()).isFalse();
    }

    @Test
    void risksAndInfoAloneLeaveANodeHealthy() {
        Diagnosis d = Diagnosis.of("n", List.of(finding("nm-manages-cni-devices", "", Severity.RISK),
                finding("otherhost-drops", "flannel.1", Severity.INFO)));
        assertThat(d.healthy()).isTrue();
        assertThatThrownBy(() -> new Diagnosis("n", true, List.of(finding("x", "y", Severity.WARNING))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnknownNodeIsTheCallersInputError() {
        assertThatThrownBy(() -> DetectionInput.of("kylin-99", field.state("kylin-19"), field.view()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("node 'kylin-99' is not in the advertised view");
        assertThat(DetectionInput.of("kylin-21", field.state("kylin-21"), field.view()).self().publicIp())
                .hasToString("172.31.159.21");
    }

    @Test
    void aFailingDetectorIsNamed() {
        Detector broken = detector("broken", in -> {
            throw new IllegalStateException("boom");
        });
        assertThatThrownBy(() -> Doctor.of(List.of(broken)).examine(field.input("kylin-19")))
                .hasMessageContaining("detector broken failed on node kylin-19: boom");
        assertThatThrownBy(() -> Doctor.of(List.of(broken, broken)))
                .hasMessageContaining("two detectors are named broken");
    }

    @Test
    void detectorsArePureOneDoctorGivesEqualAnswersForEqualInputs() {
        Doctor doctor = Doctor.load();
        NodeState s = KernelEdits.setMtu(field.state("kylin-22"), "eth0", 1400);
        DetectionInput in = new DetectionInput("kylin-22", s, Optional.of(field.state("kylin-22")), field.view(),
                Optional.empty(), FlannelConfig.DEFAULT);
        List<Diagnosis> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(doctor.examine(in));
        }
        assertThat(answers).allSatisfy(a -> assertThat(a).isEqualTo(answers.getFirst()));
        assertThat(answers.getFirst().findings()).extracting(Finding::fault).containsExactly("mtu-mismatch");
    }

    @Test
    void theIdsAreTheContract() {
        assertThat(FaultIds.ALL).hasSize(30).doesNotHaveDuplicates()
                .contains("vtep-mac-drift", "stale-peer-vtep-mac", "otherhost-drops", "nm-manages-cni-devices");
        assertThat(FixIds.ALL).containsExactly("flannel-resync", "restore-vtep-mac", "restore-routes",
                "restore-address", "link-up", "restore-mtu", "reattach-bridge-port", "restore-sysctl",
                "nm-unmanaged-devices", "firewall-allow-flannel", "udev-link-mac-none", "restore-underlay-address",
                "restore-default-route", "regenerate-vtep-mac", "nft-accept-flannel");
        assertThat(FlannelConfig.DEFAULT).isEqualTo(new FlannelConfig(1, 8472, "flannel.1", "cni0"));
    }

    private static Finding finding(String fault, String device, Severity severity) {
        return new Finding(fault, "kylin-19", device, "e", "a", "s", severity, List.of());
    }

    private static Detector detector(String name, java.util.function.Function<DetectionInput, List<Finding>> body) {
        return new Detector() {
            public String name() {
                return name;
            }

            public List<Finding> examine(DetectionInput input) {
                return body.apply(input);
            }
        };
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
