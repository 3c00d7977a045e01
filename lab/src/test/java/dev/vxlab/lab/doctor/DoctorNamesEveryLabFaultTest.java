package dev.vxlab.lab.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.Severity;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.fault.FaultCatalog;
import dev.vxlab.lab.probe.ConnectivityMatrix;
import dev.vxlab.lab.spec.ClusterSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every fault the lab can inject, on the real kernel: the doctor names exactly the matching fault id on the right
 * node and device (and its peer-side mirror where one exists), before any fix; its fix plan, applied, restores every
 * path, and the doctor then finds nothing that impairs traffic.
 */
class DoctorNamesEveryLabFaultTest {
    private static final Duration TIMEOUT = Duration.ofMillis(800);
    private static final ClusterSpec SPEC = ClusterSpec.field(3);
    private static final String F = SPEC.nodes().get(0).name();
    private static final String PEER = SPEC.nodes().get(1).name();
    private static final String OTHER = SPEC.nodes().get(2).name();
    private static final String VETH = SPEC.podsOn(F).getFirst().hostVeth();

    @TempDir
    Path dir;

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of("vtep-mac-drift", Map.of(), Set.of(F + " vtep-mac-drift flannel.1")),
                Arguments.of("routes-flushed", Map.of(), Set.of(F + " missing-peer-route flannel.1")),
                Arguments.of("vtep-address-removed", Map.of(), Set.of(F + " vtep-address-missing flannel.1")),
                Arguments.of("bridge-address-removed", Map.of(), Set.of(F + " bridge-address-missing cni0")),
                Arguments.of("link-down", Map.of(), Set.of(F + " vtep-link-down flannel.1")),
                Arguments.of("link-down", Map.of("device", "cni0"), Set.of(F + " bridge-link-down cni0")),
                Arguments.of("mtu-reset", Map.of(), Set.of(F + " mtu-mismatch eth0")),
                Arguments.of("bridge-port-detached", Map.of(), Set.of(F + " bridge-port-detached " + VETH)),
                Arguments.of("neighbors-flushed", Map.of(), Set.of(F + " missing-peer-neighbor flannel.1")),
                Arguments.of("fdb-flushed", Map.of(), Set.of(F + " missing-peer-fdb flannel.1")),
                Arguments.of("ip-forward-off", Map.of(), Set.of(F + " ip-forward-disabled -")),
                Arguments.of("rp-filter-strict", Map.of(), Set.of(F + " rp-filter-strict cni0",
                        F + " rp-filter-strict flannel.1")),
                // A device re-created by someone else is every one of these at once; flannel-resync cures them all.
                Arguments.of("vxlan-device-recreated", Map.of(), Set.of(F + " vxlan-config-mismatch flannel.1",
                        F + " vtep-mac-drift flannel.1", F + " missing-peer-route flannel.1",
                        F + " missing-peer-neighbor flannel.1", F + " missing-peer-fdb flannel.1")),
                Arguments.of("vxlan-device-deleted", Map.of(), Set.of(F + " vxlan-device-missing flannel.1")),
                Arguments.of("peer-route-wrong", Map.of(), Set.of(F + " wrong-peer-route flannel.1")),
                // Mirrors: the node that receives the misaddressed frames counts them as otherhost drops.
                Arguments.of("fdb-wrong-dst", Map.of(), Set.of(F + " wrong-peer-fdb-dst flannel.1",
                        OTHER + " otherhost-drops flannel.1")),
                Arguments.of("peer-mac-stale", Map.of(), Set.of(F + " stale-peer-vtep-mac flannel.1",
                        PEER + " otherhost-drops flannel.1")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("faults")
    void namesTheFaultThenItsFixRestoresTraffic(String id, Map<String, String> params, Set<String> expected)
            throws Exception {
        try (Lab lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir)); LabDoctor doctor = new LabDoctor(lab)) {
            assertThat(named(doctor.examine())).as("a healthy cluster has no finding").isEmpty();

            lab.inject(FaultCatalog.create(id, F, params, SPEC));
            lab.matrix(TIMEOUT); // traffic between the two examinations, as on a live node
            Map<String, LabDoctor.Examined> sick = doctor.examine();
            assertThat(named(sick)).as(id + ": the doctor names exactly this").isEqualTo(new TreeSet<>(expected));

            List<FixPlan> plans = new ArrayList<>();
            sick.values().forEach(e -> plans.addAll(doctor.plan(e)));
            assertThat(plans).as("a fix plan exists").isNotEmpty();
            doctor.apply(plans);
            ConnectivityMatrix after = lab.matrix(TIMEOUT);
            assertThat(after.failures()).as("traffic after " + plans.stream().map(FixPlan::fix).toList()).isEmpty();
            assertThat(named(doctor.examine())).as("the doctor after the fix").isEmpty();
        }
    }

    /** "node fault device" of every finding but the informational ones (critical, warning, risk), on all nodes. */
    private static Set<String> named(Map<String, LabDoctor.Examined> all) {
        Set<String> out = new TreeSet<>();
        for (LabDoctor.Examined e : all.values()) {
            for (Finding f : e.diagnosis().findings()) {
                if (f.severity() != Severity.INFO) {
                    out.add(f.node() + " " + f.fault() + " " + (f.device().isEmpty() ? "-" : f.device()));
                }
            }
        }
        return out;
    }
}
