package dev.vxlab.scenarios.contract;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vxlab.detectors.model.DataplaneModel;
import dev.vxlab.detectors.model.Flow;
import dev.vxlab.detectors.model.Transfer;
import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.Severity;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.Capability;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.doctor.LabDoctor;
import dev.vxlab.lab.fault.Fault;
import dev.vxlab.lab.fault.FaultCatalog;
import dev.vxlab.lab.probe.ConnectivityMatrix;
import dev.vxlab.lab.probe.Probe;
import dev.vxlab.lab.probe.ProbeOutcome;
import dev.vxlab.lab.probe.ProbeResult;
import dev.vxlab.lab.probe.ProbeTarget;
import dev.vxlab.lab.spec.ClusterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every backend must do, as abstract JUnit 5 tests a backend runs with a few lines (see docs/backends.md):
 * <pre>
 * class MyBackendContractTest extends BackendContract {
 *     protected ClusterBackend backend() { return new MyBackend(); }
 *     protected LabOptions options() { return LabOptions.DEFAULT; }
 * }
 * </pre>
 * One 3-node cluster of the field's profile serves every test of the class: it comes up healthy; every lab fault
 * breaks exactly the paths the dataplane model predicts from the nodes' own snapshots, the doctor names it, and the
 * doctor's fix plan heals it (proved by the whole matrix); a capture shows the field signature where the backend
 * can capture. {@link KilledRunContract} holds the kill test, which needs a second, killable run.
 */
@Kernel
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class BackendContract {
    private static final Duration TIMEOUT = Duration.ofMillis(1500);
    /** How many times a matrix is measured at most before a failed cell counts as a broken path (see settled). */
    private static final int MEASUREMENTS = 3;
    private static final ClusterSpec SPEC = ClusterSpec.field(3);
    /** Faults that leave every matrix path working: a detour, or a risk that this traffic does not trip. */
    private static final Set<String> HARMLESS_TO_THE_MATRIX = Set.of("peer-route-wrong", "rp-filter-strict",
            "default-route-removed");
    /**
     * The doctor names these, but its fix needs what a snapshot taken before the fault held (the default route's
     * gateway), and the contract examines twice after injecting: their own heal goes first.
     */
    private static final Set<String> HEALED_BY_THEIR_OWN_HEAL = Set.of("default-route-removed");

    private Path directory;
    private Lab lab;

    /** The faults this backend's dataplane carries traffic through; a backend may add faults its hardware shrugs off. */
    protected Set<String> harmlessToTheMatrix() {
        return HARMLESS_TO_THE_MATRIX;
    }
    private LabDoctor doctor;

    /** The backend under test. */
    protected abstract ClusterBackend backend();

    /** How the lab uses it (with or without the fast path). */
    protected abstract LabOptions options();

    @BeforeAll
    void startLab() throws Exception {
        directory = Files.createTempDirectory("vxlab-contract-");
        lab = Lab.start(backend(), SPEC, LabRun.random(directory), options());
        doctor = new LabDoctor(lab);
    }

    @AfterAll
    void stopLab() throws IOException {
        if (doctor != null) {
            doctor.close();
        }
        if (lab != null) {
            lab.close();
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    @Order(1)
    void aThreeNodeClusterComesUpHealthyAndSaysWhatItIs() throws Exception {
        BackendInfo info = lab.cluster().info();
        assertThat(info.name()).isEqualTo(backend().name());
        assertThat(info.has(Capability.NETNS_FAST_PATH)).as("the fast path is offered only when the lab uses it")
                .isEqualTo(options().fastPath() && backend().info().has(Capability.NETNS_FAST_PATH));
        for (ClusterNode node : lab.cluster().nodes()) {
            assertThat(node.netnsFastPath().isPresent()).isEqualTo(info.has(Capability.NETNS_FAST_PATH));
            assertThat(node.remote().run("uname", "-m").stdout().strip()).as("node " + node.name() + "'s architecture")
                    .isEqualTo(info.architecture());
        }
        ConnectivityMatrix matrix = settled(TIMEOUT, m -> m.failures().isEmpty());
        assertThat(matrix.failures()).as("a new cluster is healthy:\n" + matrix.render()).isEmpty();
        assertThat(named(doctor.examine())).as("the doctor finds nothing on a new cluster").isEmpty();
    }

    /**
     * Every catalog fault (default parameters), or those named by {@code -Dvxlab.contract.faults=a,b} (a slow backend's CI subset); a name
     * that is not in the catalog fails, so a subset cannot shrink to nothing by a typo.
     */
    static Stream<String> faults() {
        String chosen = System.getProperty("vxlab.contract.faults", "").strip();
        if (chosen.isEmpty()) {
            return FaultCatalog.ids().stream();
        }
        List<String> ids = List.of(chosen.split("\\s*,\\s*"));
        assertThat(FaultCatalog.ids()).as("-Dvxlab.contract.faults names catalog faults").containsAll(ids);
        return ids.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    @Order(2)
    void aFaultBreaksWhatTheModelPredictsTheDoctorNamesItAndItsFixHealsIt(String id) throws Exception {
        assertThat(settled(TIMEOUT, m -> m.failures().isEmpty()).failures()).as("healthy before " + id).isEmpty();
        Fault fault = FaultCatalog.create(id, faulty(), Map.of(), lab.spec());
        Set<String> expected = new TreeSet<>();
        fault.expectedFindings(lab.faultContext(faulty())).forEach(e -> expected.add(e.node() + " " + e.fault()));
        lab.inject(fault);
        try {
            DataplaneModel model = doctor.model();
            ConnectivityMatrix during = settled(TIMEOUT, m -> BrokenPaths.of(m, model).agree());
            BrokenPaths broken = BrokenPaths.of(during, model);
            Set<String> kernelBroken = broken.byKernel();
            Set<String> modelBroken = broken.byModel();
            assertThat(kernelBroken).as(id + " breaks exactly what the model predicts from the nodes' snapshots")
                    .isEqualTo(modelBroken);
            if (!harmlessToTheMatrix().contains(id)) {
                assertThat(kernelBroken).as(id + " breaks something").isNotEmpty();
            }

            Map<String, LabDoctor.Examined> sick = doctor.examine();
            assertThat(named(sick)).as("the doctor names " + id + " as the fault says it should")
                    .containsAll(expected);
        } finally {
            heal(id);
        }
    }

    @Test
    @Order(3)
    void aCaptureOfTheMacDriftShowsTheFieldSignature() throws Exception {
        assumeTrue(lab.cluster().info().has(Capability.PACKET_CAPTURE), "the backend cannot capture here");
        ContractCapture.fieldSignature(lab, directory, faulty());
        heal("vtep-mac-drift");
    }

    /**
     * The node faults go to: the cluster's first node as the backend built it (kind names its nodes itself, so the
     * plan's names are not the cluster's).
     */
    private String faulty() {
        return lab.spec().nodes().getFirst().name();
    }

    /** Applies the doctor's plans and proves the whole matrix healthy again. */
    private void heal(String id) throws Exception {
        if (HEALED_BY_THEIR_OWN_HEAL.contains(id)) {
            lab.heal(FaultCatalog.create(id, faulty(), Map.of(), lab.spec()));
        }
        List<FixPlan> plans = new ArrayList<>();
        doctor.examine().values().forEach(e -> plans.addAll(doctor.plan(e)));
        doctor.apply(plans);
        // A new counter baseline: replies to the fault's traffic (SYN-ACK retransmissions) may still have been
        // dropped until the fix; only drops during the proof below count.
        doctor.examine();
        ConnectivityMatrix after = settled(LabDoctor.VERIFY_TIMEOUT, m -> m.failures().isEmpty());
        assertThat(after.failures()).as("traffic after fixing " + id + " with "
                + plans.stream().map(FixPlan::fix).toList() + "\n" + after.render()).isEmpty();
        assertThat(named(doctor.examine())).as("the doctor after fixing " + id).isEmpty();
    }

    /**
     * The matrix, measured again (up to {@value #MEASUREMENTS} times in all) while it is not what the test expects,
     * a cell counting as passed once it passed in any measurement. A probe can fail without a broken path when its
     * answer comes late (a TCG guest's one vCPU starved on a busy 2-core machine); a broken path fails every time,
     * and a passed probe proves the path, so this never hides a fault, and costs nothing when the first matrix is as
     * expected.
     */
    private ConnectivityMatrix settled(Duration timeout, Predicate<ConnectivityMatrix> expected) throws Exception {
        ConnectivityMatrix matrix = lab.matrix(timeout);
        for (int measured = 1; measured < MEASUREMENTS && !expected.test(matrix); measured++) {
            matrix = passedInEither(matrix, lab.matrix(timeout));
        }
        return matrix;
    }

    private static ConnectivityMatrix passedInEither(ConnectivityMatrix first, ConnectivityMatrix second) {
        assertThat(second.sources()).isEqualTo(first.sources());
        assertThat(second.targets()).isEqualTo(first.targets());
        List<List<ProbeResult>> cells = new ArrayList<>();
        for (int row = 0; row < first.cells().size(); row++) {
            List<ProbeResult> merged = new ArrayList<>();
            for (int column = 0; column < first.cells().get(row).size(); column++) {
                ProbeResult a = first.cells().get(row).get(column);
                merged.add(a.outcome() == ProbeOutcome.OK ? a : second.cells().get(row).get(column));
            }
            cells.add(merged);
        }
        return new ConnectivityMatrix(first.sources(), first.targets(), cells);
    }

    /** The pod paths ("source -> target") the kernel broke, and those the model predicts broken. */
    private record BrokenPaths(Set<String> byKernel, Set<String> byModel) {
        static BrokenPaths of(ConnectivityMatrix matrix, DataplaneModel model) {
            Set<String> kernelBroken = new TreeSet<>();
            Set<String> modelBroken = new TreeSet<>();
            cells(matrix).forEach((flow, label) -> {
                String[] ends = label.split(" -> ");
                boolean kernelOk = matrix.outcome(ends[0], ends[1]) == ProbeOutcome.OK;
                boolean modelOk = model.reachability(List.of(flow)).get(flow);
                if (kernelOk && !modelOk && model.exchange(flow.source(), flow.destination(), flow.transfer())
                        .dependsOnLearnedPathMtu()) {
                    return; // the kernel learned a path MTU while the matrix was measured (see Exchange)
                }
                if (!kernelOk) {
                    kernelBroken.add(label);
                }
                if (!modelOk) {
                    modelBroken.add(label);
                }
            });
            return new BrokenPaths(kernelBroken, modelBroken);
        }

        boolean agree() {
            return byKernel.equals(byModel);
        }
    }

    /** Every (source, pod target) cell of the matrix as the flow the model plays, with its "source -> target" label. */
    private static Map<Flow, String> cells(ConnectivityMatrix matrix) {
        Map<Flow, String> cells = new LinkedHashMap<>();
        for (String source : matrix.sources()) {
            String namespace = source.substring(source.indexOf(' ') + 1);
            for (ProbeTarget target : matrix.targets()) {
                if (target.probe() instanceof Probe.HttpGet get) {
                    cells.put(new Flow(namespace, get.dst(), Transfer.LARGE_REPLY), source + " -> " + target.label());
                }
            }
        }
        return cells;
    }

    /** "node fault" of every finding that is not informational. */
    private static Set<String> named(Map<String, LabDoctor.Examined> all) {
        Set<String> out = new TreeSet<>();
        for (LabDoctor.Examined e : all.values()) {
            for (Finding f : e.diagnosis().findings()) {
                if (f.severity() != Severity.INFO) {
                    out.add(f.node() + " " + f.fault());
                }
            }
        }
        return out;
    }
}
