package dev.vxlab.lab.probe;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.lab.Lab;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.fault.Fault;
import dev.vxlab.lab.pods.PodServerMain;
import dev.vxlab.lab.spec.ClusterSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lab without the fast path (pods' servers as processes, probes by curl and dig through each node's remote)
 * measures the same matrix as the fast path: all OK when healthy, and the same broken cells after the flagship
 * fault. Closing it leaves no pod server process.
 */
@Kernel
class RemoteOnlyLabTest {
    /**
     * A fetch from a pod server that is a JVM of its own, through a curl process, on a loaded 2-core machine: 800 ms
     * was once too short for a healthy cell. A broken cell still fails at any budget.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final ClusterSpec SPEC = ClusterSpec.field(3);
    private static final String F = SPEC.nodes().getFirst().name();

    @TempDir
    Path dir;

    @Test
    void theRemoteOnlyMatrixIsHealthyAndBreaksExactlyLikeTheFastPathAndClosingLeavesNoServerProcess() throws Exception {
        Set<String> fastBroken;
        try (Lab lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir.resolve("fast")))) {
            assertThat(lab.matrix(TIMEOUT).allOk()).as("fast path healthy before").isTrue();
            lab.inject(new Fault.VtepMacDrift(F, Optional.empty()));
            fastBroken = brokenCells(lab.matrix(TIMEOUT));
        }

        List<ProcessHandle> servers;
        try (Lab lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir.resolve("remote")), LabOptions.REMOTE_ONLY)) {
            servers = podServerProcesses();
            assertThat(servers).as("one server process per pod").hasSize(SPEC.pods().size());

            ConnectivityMatrix healthy = lab.matrix(TIMEOUT);
            assertThat(healthy.failures()).as("remote-only matrix healthy:\n" + healthy.failures().stream()
                    .map(ProbeResult::summary).reduce("", (a, b) -> a + b + "\n")).isEmpty();
            assertThat(healthy.cells().stream().flatMap(List::stream))
                    .hasSize(lab.sources().size() * lab.targets().size())
                    .allSatisfy(cell -> assertThat(cell.outcome()).isEqualTo(ProbeOutcome.OK));

            lab.inject(new Fault.VtepMacDrift(F, Optional.empty()));
            Set<String> remoteBroken = brokenCells(lab.matrix(TIMEOUT));

            assertThat(remoteBroken).as("the flagship fault breaks the paths through " + F)
                    .isNotEmpty().allSatisfy(cell -> assertThat(cell).contains(F));
            assertThat(remoteBroken).as("the same broken cells as the fast path").isEqualTo(fastBroken);
        }
        assertThat(servers).as("no pod server process outlives the lab").noneMatch(ProcessHandle::isAlive);
        assertThat(podServerProcesses()).isEmpty();
    }

    private static List<ProcessHandle> podServerProcesses() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(PodServerMain.class.getName())).toList();
    }

    /** "source -> target: OUTCOME" for every cell that is not OK. */
    private static Set<String> brokenCells(ConnectivityMatrix matrix) {
        Set<String> broken = new TreeSet<>();
        for (int row = 0; row < matrix.sources().size(); row++) {
            for (int column = 0; column < matrix.targets().size(); column++) {
                ProbeResult cell = matrix.cells().get(row).get(column);
                if (!cell.ok()) {
                    broken.add(matrix.sources().get(row) + " -> " + matrix.targets().get(column).label() + ": "
                            + cell.outcome());
                }
            }
        }
        return broken;
    }
}
