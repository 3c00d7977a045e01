package dev.vxlab.bench;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.spi.FaultIds;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CI's smoke run of the whole suite (one short iteration of each benchmark at the smallest size, a few latency
 * samples, the agent's own JVM for three seconds): every benchmark must still build its namespace, run and report.
 * Nothing here looks at how fast anything was.
 */
@Kernel
class SuiteSmokeTest {
    @TempDir
    Path dir;

    @Test
    void everyBenchmarkRunsAndIsReported() throws Exception {
        Path out = dir.resolve("RESULTS.md");
        Report report = Suite.run(true, out);

        assertThat(report.rows()).extracting(r -> r.bench() + "." + r.method() + "@" + r.size()).containsExactlyInAnyOrder(
                "DetectBench.allDetectors@5", "EventPassBench.deltaPass@4", "EventPassBench.fullPass@4",
                "ModelBench.matrix@5", "ProbeLoopBench.ipJsonLoop@4",
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
        // The agent ran as its own JVM with the shipped flags and answered /metrics: its first pass was counted.
        assertThat(report.agent().passesByTrigger()).as("the agent's vxlab_passes_total").containsKey("start");
        assertThat(report.agent().measured()).isPositive();
        assertThat(report.agent().ticks()).isNotNegative();
        assertThat(report.agent().flags().javaToolOptions()).isNotBlank();
        assertThat(report.clusterUp().rows()).extracting(r -> r.method() + "@" + r.size())
                .as("the smoke run builds only the smallest cluster").containsExactly("up@5");
        assertThat(report.boot().rows()).extracting(BootToHealthyReport.Row::backend)
                .as("the smoke run boots only the default backend, once").containsExactly("netns");
        assertThat(report.boot().rows().getFirst().boots()).isEqualTo(1);
        assertThat(Files.readString(out)).contains("## Targets (issues 5 and 13)", "SnapshotBench", "Detection latency",
                "(`EventPassBench`)", "| 4 | ", "(`AgentIdleCost`)",
                "JAVA_TOOL_OPTIONS=" + report.agent().flags().javaToolOptions(),
                ClusterUpReport.HEADING, BootToHealthyReport.HEADING);
    }

    @Test
    void theClusterUpSectionReplacesItsOldSelfAndLeavesTheRestOfThePage() {
        String page = "# Benchmark results\n\n## Targets\n\nold figures\n\n" + ClusterUpReport.HEADING
                + "\n\nold build times\n\n## Method\n\nhow\n";
        ClusterUpReport fresh = new ClusterUpReport("2026-01-01T00:00:00", "0.1 0.1 0.1", "0.2 0.2 0.2", false,
                java.util.List.of(new Report.Row("ClusterUpBench", "up", 100, "ms/op", 8000, 9000, 2, Double.NaN)),
                java.util.Optional.empty());
        String replaced = fresh.replaceIn(page, 2);
        assertThat(replaced).contains("old figures", "## Method\n\nhow", "| a 100-node netns cluster up in <= 10 s | 8.00 s")
                .doesNotContain("old build times");
        assertThat(replaced.indexOf(ClusterUpReport.HEADING)).isEqualTo(replaced.lastIndexOf(ClusterUpReport.HEADING));
    }

    @Test
    void theBootSectionReplacesItsOldSelfAndNamesTheBackendsItCouldNotMeasure() {
        String page = "# Benchmark results\n\n" + BootToHealthyReport.HEADING + "\n\nold boots\n\n## Method\n\nhow\n";
        BootToHealthyReport fresh = new BootToHealthyReport("2026-01-01T00:00:00", "0.1 0.1 0.1", "0.2 0.2 0.2", false,
                java.util.List.of(new BootToHealthyReport.Row("qemu", 61_000, 70_000, 3)),
                java.util.Map.of("kind", "kind not found on PATH"));
        String replaced = fresh.replaceIn(page, 2);
        assertThat(replaced).contains("| qemu | 61.0 s | 70.0 s | 3 |", "| kind | not measured: kind not found on PATH",
                "## Method\n\nhow").doesNotContain("old boots");
    }
}
