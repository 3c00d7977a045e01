package dev.vxlab.lab.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.Severity;
import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.fault.ExpectedFinding;
import dev.vxlab.lab.fault.Fault;
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
 * path, and the doctor then finds nothing that impairs traffic. What the doctor should name is the fault's own data
 * ({@link Fault#expectedFindings}).
 */
@Kernel
class DoctorNamesEveryLabFaultTest {
    private static final Duration TIMEOUT = Duration.ofMillis(800);
    private static final ClusterSpec SPEC = ClusterSpec.field(3);
    private static final String F = SPEC.nodes().get(0).name();

    @TempDir
    Path dir;

    /** Every catalog fault with its defaults, and the variants whose findings differ (link-down on cni0). */
    static Stream<Arguments> faults() {
        return Stream.concat(FaultCatalog.ids().stream().map(id -> Arguments.of(id, Map.of())),
                Stream.of(Arguments.of("link-down", Map.of("device", "cni0"))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("faults")
    void namesTheFaultThenItsFixRestoresTraffic(String id, Map<String, String> params) throws Exception {
        try (Lab lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir)); LabDoctor doctor = new LabDoctor(lab)) {
            assertThat(named(doctor.examine())).as("a healthy cluster has no finding").isEmpty();

            Fault fault = FaultCatalog.create(id, F, params, SPEC);
            Set<String> expected = new TreeSet<>(fault.expectedFindings(lab.faultContext(F)).stream()
                    .map(ExpectedFinding::render).toList());
            assertThat(expected).as(id + " says what the doctor should name").isNotEmpty();
            lab.inject(fault);
            lab.matrix(TIMEOUT); // traffic between the two examinations, as on a live node
            Map<String, LabDoctor.Examined> sick = doctor.examine();
            Set<String> possible = new TreeSet<>(expected);
            fault.possibleFindings(lab.faultContext(F)).forEach(f -> possible.add(f.render()));
            assertThat(named(sick)).as(id + ": the doctor names this").containsAll(expected)
                    .as(id + ": and nothing but this and its possible mirrors").isSubsetOf(possible);

            List<FixPlan> plans = new ArrayList<>();
            sick.values().forEach(e -> plans.addAll(doctor.plan(e)));
            assertThat(plans).as("a fix plan exists").isNotEmpty();
            doctor.apply(plans);
            // A new counter baseline: replies retransmitted from the broken phase (SYN-ACKs to a stale MAC) may still
            // have been dropped until the fix; only drops during the proof below count.
            doctor.examine();
            ConnectivityMatrix after = lab.matrix(LabDoctor.VERIFY_TIMEOUT);
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
