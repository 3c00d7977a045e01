package dev.vxlab.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The whole benchmark suite in one run, so every ratio compares figures measured side by side: the JMH benchmarks
 * (sample time, with the GC profiler's allocation per operation), the detection-latency harness, and the agent's
 * idle cost as deployed ({@link AgentIdleCost}: 60 s of settling, a 120 s window); then {@code RESULTS.md}.
 * {@code --smoke} runs one short iteration of each at the smallest size and the agent for 1 + 2 s (in CI, to keep the
 * benchmarks compiling and running; its figures mean nothing). {@code --cluster-up} measures only the
 * cluster build times (seconds per build, minutes in all) and replaces that section of an existing page;
 * {@code --boot} likewise for the boot-to-healthy time of every backend that can run here. Must run inside
 * bin/vxlab-sandbox.
 *
 * <p>Usage: {@code Suite [--smoke] [--cluster-up [--nodes N,N...] | --boot] [--out FILE]} (default
 * {@code benchmarks/RESULTS.md}); {@code --nodes} picks the cluster sizes (default 5, 32, 100, 250).
 */
public final class Suite {
    static final String BENCHMARKS =
            "dev\\.vxlab\\.bench\\.(SnapshotBench|DetectBench|ProbeLoopBench|ModelBench|EventPassBench)\\.";

    private Suite() {}

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        boolean clusterUpOnly = false;
        boolean bootOnly = false;
        String sizes = null;
        Path out = Path.of("benchmarks/RESULTS.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--cluster-up" -> clusterUpOnly = true;
                case "--boot" -> bootOnly = true;
                case "--nodes" -> {
                    if (i + 1 == args.length || !args[i + 1].matches("\\d+(,\\d+)*")) {
                        usage("--nodes needs cluster sizes like 100,250");
                    }
                    sizes = args[++i];
                }
                case "--out" -> {
                    if (i + 1 == args.length) {
                        usage("--out needs a file");
                    }
                    out = Path.of(args[++i]);
                }
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        if (!"1".equals(System.getenv("VXLAB_SANDBOX"))) {
            System.err.println("vxlab bench: the benchmarks make network namespaces; run them through ./vxlab bench"
                    + " (inside bin/vxlab-sandbox)");
            System.exit(2);
        }
        if (sizes != null && !clusterUpOnly) {
            usage("--nodes goes with --cluster-up");
        }
        if (clusterUpOnly && bootOnly) {
            usage("--cluster-up and --boot each re-measure one section; give one of them");
        }
        if (clusterUpOnly) {
            runClusterUp(smoke, sizes == null ? null : sizes.split(","), out);
        } else if (bootOnly) {
            runBoot(smoke, out);
        } else {
            run(smoke, out);
        }
    }

    private static void usage(String problem) {
        System.err.println("vxlab bench: " + problem + " (usage: vxlab bench [--smoke] [--cluster-up [--nodes N,N...] | --boot] [--out FILE])");
        System.exit(2);
    }

    /** Runs everything and writes the report; returns it. */
    public static Report run(boolean smoke, Path out) throws Exception {
        Instant started = Instant.now();
        String loadBefore = Machine.loadAverage();
        if (smoke) {
            // JMH's machine-wide lock (/tmp/jmh.lock) keeps two measurements apart; a smoke run's figures mean nothing,
            // so it must not fail because someone is benchmarking on the same machine
            System.setProperty("jmh.ignoreLock", "true");
        }
        Collection<RunResult> jmh = new Runner(options(smoke).build()).run();

        List<DetectionLatency.Result> latency = new ArrayList<>();
        int warmUp = smoke ? 20 : WarmUp.PASSES;
        // in the agent's own JVM flags: its compiler and collector are part of its latency
        latency.add(DetectionLatency.measureAsShipped(null, smoke ? 4 : 200, warmUp));
        latency.add(DetectionLatency.measureAsShipped(Duration.ofMillis(100), smoke ? 2 : 30, warmUp));
        if (!smoke) {
            latency.add(DetectionLatency.measureAsShipped(Duration.ofSeconds(1), 10, warmUp));
        }
        // past the agent's start-up compilation before the window (docs/agent.md), and a window of 120 s, in which
        // 0.1% of a core is 12 clock ticks; the smoke run only has it answer
        AgentIdleCost.Result agent = smoke ? AgentIdleCost.measure(Duration.ofSeconds(1), Duration.ofSeconds(2))
                : AgentIdleCost.measure(Duration.ofSeconds(60), Duration.ofSeconds(120));

        ClusterUpReport clusterUp = clusterUp(smoke, null);
        BootToHealthyReport boot = bootToHealthy(smoke);
        Report report = new Report(smoke, started, Duration.between(started, Instant.now()), Machine.describe(),
                loadBefore, Machine.loadAverage(), Report.rows(jmh), latency, agent, clusterUp, boot);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, report.markdown());
        System.out.println("vxlab bench: wrote " + out.toAbsolutePath());
        return report;
    }

    /** Measures only the cluster build times and puts their section in place of the old one in {@code out}. */
    public static ClusterUpReport runClusterUp(boolean smoke, String[] sizes, Path out) throws Exception {
        ClusterUpReport section = clusterUp(smoke, sizes);
        String page = Files.exists(out) ? Files.readString(out) : "# Benchmark results\n\n";
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, section.replaceIn(page, Machine.describe().cores()));
        System.out.println("vxlab bench: wrote the cluster build section of " + out.toAbsolutePath());
        return section;
    }

    /** Measures only the boot-to-healthy times and puts their section in place of the old one in {@code out}. */
    public static BootToHealthyReport runBoot(boolean smoke, Path out) throws Exception {
        BootToHealthyReport section = bootToHealthy(smoke);
        String page = Files.exists(out) ? Files.readString(out) : "# Benchmark results\n\n";
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, section.replaceIn(page, Machine.describe().cores()));
        System.out.println("vxlab bench: wrote the boot-to-healthy section of " + out.toAbsolutePath());
        return section;
    }

    /**
     * BootToHealthyBench on every backend that can run here (its {@code info()} answers; the others are listed with
     * their reason); the smoke run boots netns once.
     */
    private static BootToHealthyReport bootToHealthy(boolean smoke) throws Exception {
        String date = java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                Instant.now().atOffset(java.time.ZoneOffset.UTC).withNano(0));
        String loadBefore = Machine.loadAverage();
        List<String> runnable = new ArrayList<>();
        java.util.Map<String, String> notMeasured = new java.util.TreeMap<>();
        for (dev.vxlab.lab.backend.ClusterBackend backend : dev.vxlab.lab.backend.Backends.all()) {
            if (smoke && !backend.name().equals(dev.vxlab.lab.backend.Backends.DEFAULT)) {
                continue;
            }
            try {
                backend.info();
                runnable.add(backend.name());
            } catch (dev.vxlab.lab.LabException cannotRun) {
                notMeasured.put(backend.name(), cannotRun.getMessage());
            }
        }
        ChainedOptionsBuilder b = new OptionsBuilder().include("dev\\.vxlab\\.bench\\.BootToHealthyBench\\.")
                .jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "-Xmx2g").shouldFailOnError(true)
                .param("backend", runnable.toArray(String[]::new));
        b = smoke ? b.forks(0).warmupIterations(0).measurementIterations(1).verbosity(VerboseMode.SILENT)
                : b.forks(1).warmupIterations(1).measurementIterations(3);
        List<BootToHealthyReport.Row> rows = BootToHealthyReport.rows(new Runner(b.build()).run());
        return new BootToHealthyReport(date, loadBefore, Machine.loadAverage(), smoke, rows, notMeasured);
    }

    /**
     * ClusterUpBench (single shot; the smoke run builds one 5-node cluster), then, in a full run, one more build of the
     * largest size for the builder's per-phase times.
     */
    private static ClusterUpReport clusterUp(boolean smoke, String[] sizes) throws Exception {
        String date = java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                Instant.now().atOffset(java.time.ZoneOffset.UTC).withNano(0));
        String loadBefore = Machine.loadAverage();
        ChainedOptionsBuilder b = new OptionsBuilder().include("dev\\.vxlab\\.bench\\.ClusterUpBench\\.")
                .jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "-Xmx2g").shouldFailOnError(true);
        b = smoke ? b.forks(0).warmupIterations(0).measurementIterations(1).param("nodes", "5")
                .verbosity(VerboseMode.SILENT)
                : b.forks(1).warmupIterations(1).measurementIterations(2);
        if (!smoke && sizes != null) {
            b = b.param("nodes", sizes);
        }
        List<Report.Row> rows = Report.rows(new Runner(b.build()).run());
        Optional<ClusterUpPhases.Result> phases = smoke ? Optional.empty()
                : Optional.of(ClusterUpPhases.measure(rows.getLast().size()));
        return new ClusterUpReport(date, loadBefore, Machine.loadAverage(), smoke, rows, phases);
    }

    private static ChainedOptionsBuilder options(boolean smoke) {
        ChainedOptionsBuilder b = new OptionsBuilder().include(BENCHMARKS).addProfiler(GCProfiler.class)
                .jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "-Xmx4g").shouldFailOnError(true);
        if (smoke) {
            return b.forks(0).warmupIterations(0).measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(200)).param("peers", "4").param("nodes", "5")
                    .verbosity(VerboseMode.SILENT);
        }
        return b.forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3)
                .measurementTime(TimeValue.seconds(2));
    }
}
