package dev.vxlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.spi.FaultIds;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI's smoke run of the whole suite (one short iteration of each benchmark at the smallest size, a few latency
 * samples, two seconds of idle CPU): every benchmark must still build its namespace, run and report. Nothing here
 * looks at how fast anything was.
 */
class SuiteSmokeTest {
    @TempDir
    Path dir;

    @Test
    void everyBenchmarkRunsAndIsReported() throws Exception {
        Path out = dir.resolve("RESULTS.md");
        Report report = Suite.run(true, out);

        assertThat(report.rows()).extracting(r -> r.bench() + "." + r.method() + "@" + r.size()).containsExactlyInAnyOrder(
                "DetectBench.allDetectors@5", "ModelBench.matrix@5", "ProbeLoopBench.ipJsonLoop@4",
                "ProbeLoopBench.netlinkLoop@4", "SnapshotBench.ipJson@4", "SnapshotBench.netlink@4",
                "SnapshotBench.procNet@4");
        assertThat(report.rows()).allSatisfy(r -> assertThat(r.samples()).isPositive());
        // What the latency harness measured: each counted sample is a pass naming the fault just written, after a
        // positive time, both faults alternately, as many samples as asked for (4 event-driven, 2 polling).
        assertThat(report.latency()).extracting(l -> l.samples().size()).containsExactly(4, 2);
        assertThat(report.latency()).allSatisfy(l -> {
            assertThat(l.faultToFinding().count()).isEqualTo(l.samples().size());
            assertThat(l.samples()).allSatisfy(s -> {
                assertThat(s.named()).as("the pass that stopped the clock").contains(s.fault());
                assertThat(s.faultToFindingNanos()).isPositive();
            });
            assertThat(l.samples()).extracting(DetectionLatency.Sample::fault).startsWith(FaultIds.VTEP_MAC_DRIFT,
                    FaultIds.MISSING_PEER_ROUTE);
        });
        assertThat(report.cpu().passes()).as("the idle watcher's timer passes").isPositive();
        assertThat(Files.readString(out)).contains("## Targets (issue 5)", "SnapshotBench", "Detection latency");
    }
}
