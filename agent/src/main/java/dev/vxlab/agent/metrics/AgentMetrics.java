package dev.vxlab.agent.metrics;

import dev.vxlab.detectors.agent.Watcher;
import dev.vxlab.detectors.cluster.ClusterReport;
import dev.vxlab.detectors.source.SnapshotSource;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.NodeState;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the agent exports, on its own registry (nothing global): the findings now, how long snapshots and detection
 * take, the otherhost drop counter, when the node was last healthy, and the cluster view from this node's vantage.
 * Updated from the watcher's thread, except the cluster gauges (the reporter's thread; each gauge is thread-safe).
 */
public final class AgentMetrics {
    /** Snapshots and passes take tens of µs to a few ms here (benchmarks/RESULTS.md); buckets from 10 µs to 1 s. */
    static final double[] LATENCY_BOUNDS = {1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2,
            5e-2, 0.1, 0.25, 1};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Gauge findings = Gauge.builder().name("vxlab_findings")
            .help("1 for each finding the doctor reports on this node now, by fault id, severity and device")
            .labelNames("fault", "severity", "device").register(registry);
    private final Histogram snapshotSeconds = Histogram.builder().name("vxlab_snapshot_seconds")
            .help("time to read the node's netlink snapshot").unit(Unit.SECONDS).classicOnly()
            .classicUpperBounds(LATENCY_BOUNDS).register(registry);
    private final Histogram detectionSeconds = Histogram.builder().name("vxlab_detection_seconds")
            .help("from hearing a netlink change to the doctor's verdict on it (events applied or a snapshot, detectors)")
            .unit(Unit.SECONDS).classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
    private final Counter passes = Counter.builder().name("vxlab_passes_total")
            .help("doctor passes, by what started them (start, event, overrun, timer, view)").labelNames("trigger")
            .register(registry);
    private final Counter deltaPasses = Counter.builder().name("vxlab_delta_passes_total")
            .help("event passes that applied the events to the last state instead of reading a snapshot")
            .register(registry);
    private final Counter otherhostDrops = Counter.builder().name("vxlab_otherhost_drops_total")
            .help("frames dropped for carrying another host's MAC (the kernel's rx_otherhost_dropped), by device")
            .labelNames("device").register(registry);
    private final Gauge lastHealthy = Gauge.builder().name("vxlab_last_healthy_timestamp_seconds")
            .help("when the doctor last found this node healthy (no critical or warning finding), Unix time")
            .register(registry);
    private final Gauge healthy = Gauge.builder().name("vxlab_node_healthy")
            .help("1 when the doctor finds no critical or warning finding on this node, else 0").register(registry);
    private final Counter fixes = Counter.builder().name("vxlab_fixes_total")
            .help("fixes the agent applied (only those allowed with --fix), by fix id and result (applied, failed, "
                    + "rate-limited)")
            .labelNames("fix", "result").register(registry);

    private final Gauge clusterConsistent = Gauge.builder().name("vxlab_cluster_consistent")
            .help("1 when the Node objects and this node's snapshot agree (no shared value, no drift, no stale peer "
                    + "inferred), else 0")
            .register(registry);
    private final Gauge clusterDuplicates = Gauge.builder().name("vxlab_cluster_duplicates")
            .help("values several nodes share, by what (published VtepMAC, published public-ip, device MAC, address)")
            .labelNames("what").register(registry);
    private final Gauge clusterDrifted = Gauge.builder().name("vxlab_cluster_drifted")
            .help("1 when this node's VXLAN device MAC is not the VtepMAC its Node object publishes, else 0")
            .register(registry);
    private final Gauge clusterStale = Gauge.builder().name("vxlab_cluster_stale_holders")
            .help("peers inferred to hold a MAC this node's device no longer has (each peer's own agent observes "
                    + "its own entries)")
            .register(registry);

    private final Set<List<String>> shown = new HashSet<>();
    private final Map<String, Long> otherhostSeen = new HashMap<>();

    public PrometheusRegistry registry() {
        return registry;
    }

    /** The source with each snapshot timed into {@code vxlab_snapshot_seconds}. */
    public SnapshotSource timed(SnapshotSource source) {
        return () -> {
            long start = System.nanoTime();
            NodeState state = source.snapshot();
            snapshotSeconds.observe((System.nanoTime() - start) / 1e9);
            return state;
        };
    }

    /** Records one pass of the watcher. */
    public void passed(Watcher.Pass pass, long reportedNanos) {
        passes.labelValues(pass.trigger().name().toLowerCase(java.util.Locale.ROOT)).inc();
        if (pass.iteration().delta()) {
            deltaPasses.inc();
        }
        if (pass.trigger() == Watcher.Trigger.EVENT || pass.trigger() == Watcher.Trigger.OVERRUN) {
            detectionSeconds.observe((reportedNanos - pass.heardNanos()) / 1e9);
        }
        if (pass.iteration().changed() || pass.trigger() == Watcher.Trigger.START) {
            Set<List<String>> now = new HashSet<>();
            for (Finding f : pass.iteration().diagnosis().findings()) {
                List<String> labels = List.of(f.fault(), f.severity().label(),
                        f.device().isEmpty() ? "-" : f.device());
                now.add(labels);
                findings.labelValues(labels.toArray(String[]::new)).set(1);
            }
            for (List<String> gone : shown) {
                if (!now.contains(gone)) {
                    findings.remove(gone.toArray(String[]::new));
                }
            }
            shown.clear();
            shown.addAll(now);
        }
        boolean isHealthy = pass.iteration().diagnosis().healthy();
        healthy.set(isHealthy ? 1 : 0);
        if (isHealthy) {
            lastHealthy.set(pass.at().toEpochMilli() / 1000.0);
        }
        countOtherhost(pass.iteration().state());
    }

    /** The kernel's counter is monotonic per device; a device made again starts from 0, which adds its new value. */
    private void countOtherhost(NodeState state) {
        for (Link link : state.links()) {
            if (link.counters().isEmpty() || link.counters().get().rxOtherhostDropped().isEmpty()) {
                continue;
            }
            long value = link.counters().get().rxOtherhostDropped().getAsLong();
            Long before = otherhostSeen.put(link.name(), value);
            long delta = before == null ? value : value >= before ? value - before : value;
            if (delta > 0 || before == null) {
                otherhostDrops.labelValues(link.name()).inc(delta);
            }
        }
    }

    /** The cluster view's latest report (every "what" is set, to 0 when nothing is shared). */
    public void cluster(ClusterReport report) {
        clusterConsistent.set(report.consistent() ? 1 : 0);
        for (String what : ClusterReport.Duplicate.KINDS) {
            clusterDuplicates.labelValues(what).set(report.duplicates().stream().filter(d -> d.what().equals(what))
                    .count());
        }
        clusterDrifted.set(report.drifted().size());
        clusterStale.set(report.stale().size());
    }

    public void fix(String fix, String result) {
        fixes.labelValues(fix, result).inc();
    }
}
