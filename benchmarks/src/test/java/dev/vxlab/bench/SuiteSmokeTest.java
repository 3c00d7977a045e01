package dev.vxlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(report.latency()).hasSize(2).allSatisfy(l -> assertThat(l.faultToFinding().count()).isPositive());
        assertThat(report.cpu().passes()).as("the idle watcher's timer passes").isPositive();
        assertThat(Files.readString(out)).contains("## Targets (issue 5)", "SnapshotBench", "Detection latency");
    }
}
