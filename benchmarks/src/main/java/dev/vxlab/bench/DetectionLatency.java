package dev.vxlab.bench;

import dev.vxlab.agent.ShippedJvm;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.agent.ChangeFeed;
import dev.vxlab.detectors.agent.ProbeLoop;
import dev.vxlab.detectors.agent.Watcher;
import dev.vxlab.detectors.netlink.NetlinkChanges;
import dev.vxlab.detectors.netlink.NetlinkSource;
import dev.vxlab.detectors.netlink.NetlinkSubscription;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.testkit.FlannelNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * From a fault to the watcher's finding, on a real flannel node (4 peers): the fault is an rtnetlink request from
 * the measuring thread's own socket in the node's namespace (a VTEP MAC change, or a peer route deleted,
 * alternately, as {@code ip link set} and {@code ip route del} send them); the clock starts just before the request is
 * sent and stops when the watcher's pass that names the fault returns. So the figure holds the kernel's change, its
 * notification, the watcher's wake-up and its pass, and not the start-up of a process applying the fault. Between
 * samples the fault is repaired, the watcher must say healthy again, and a random pause puts the next fault at a
 * random phase of the polling timer. Event-driven mode listens to netlink (its counter timer at 1 s, as the CLI's
 * default) and applies the events to its last state (delta passes), or, as the baseline, takes a full snapshot on
 * each; polling mode has no events, only its timer. The loop is warmed up first (see {@link WarmUp}), and the
 * first fault cycles are not counted (they warm up the code that only a faulty node runs).
 */
final class DetectionLatency {
    private static final long LIVENESS_MILLIS = 10_000;
    private static final MacAddress DRIFTED = MacAddress.parse("b6:9b:ed:b0:37:74");

    /**
     * What the samples measured: fault to finding, split into fault to heard (the kernel's change and notification
     * and the watcher's wake-up; in polling mode, the wait for the tick) and the watcher's own part (heard to finding);
     * and each sample as it was taken.
     */
    record Result(String mode, Percentiles faultToFinding, Percentiles faultToHeard, Percentiles heardToFinding,
                  List<Sample> samples) {}

    /** One counted fault cycle: the fault id written, the ids the watcher's pass named, and the time in between. */
    record Sample(String fault, List<String> named, long faultToFindingNanos) {}

    record Seen(long nanos, Watcher.Pass pass) {}

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private DetectionLatency() {}

    /** Event-driven (with delta passes) when {@code pollingInterval} is null, else polling at that interval. */
    static Result measure(Duration pollingInterval, int samples, int warmUpPasses) throws Exception {
        return measure(pollingInterval, samples, warmUpPasses, true);
    }

    /**
     * @param applyEvents in event-driven mode, whether the watcher applies the events to its last state (delta
     *                    passes) or takes a full snapshot on each (the way it worked before)
     */
    static Result measure(Duration pollingInterval, int samples, int warmUpPasses, boolean applyEvents)
            throws Exception {
        FlannelNamespace node = BenchNamespaces.create("lat", 4);
        try (NetlinkSource source = NetlinkSource.open(node.file());
             NetlinkSubscription subscription = NetlinkSubscription.open(node.file());
             NetlinkChanges kernel = NetlinkChanges.open(node.file())) {
            int flannel = source.snapshot().links().stream().filter(l -> l.name().equals("flannel.1"))
                    .findFirst().orElseThrow().index();
            AdvertisedNode peer = node.peer(1);
            ProbeLoop loop = new ProbeLoop(node.nodeName(), source, Doctor.load(), node.view());
            WarmUp.run(loop, warmUpPasses);
            long warmUpDeltas = loop.deltaPasses();
            long warmUpFull = loop.fullPasses();
            boolean events = pollingInterval == null;
            Watcher watcher = new Watcher(loop, events ? subscription::next : ChangeFeed.NONE,
                    events ? Duration.ofSeconds(1) : pollingInterval, applyEvents);
            BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
            Thread thread = Thread.ofPlatform().name("watcher").start(() -> {
                try {
                    watcher.run(pass -> seen.add(new Seen(System.nanoTime(), pass)));
                } catch (Exception e) {
                    seen.add(new Seen(-1, null));
                }
            });
            List<Sample> taken = new ArrayList<>();
            long[] faultToFinding = new long[samples];
            long[] heardToFinding = new long[samples];
            long[] faultToHeard = new long[samples];
            long pauseBound = events ? 20 : pollingInterval.toMillis();
            try {
                await(seen, p -> true);
                // The first cycles only warm up the paths a healthy loop never takes (findings, their diff).
                int warmUpCycles = Math.min(warmUpPasses / 50, events ? 100 : 2);
                for (int i = -warmUpCycles; i < samples; i++) {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(1, pauseBound + 1));
                    seen.clear();
                    boolean mac = (i & 1) == 0;
                    String fault = mac ? FaultIds.VTEP_MAC_DRIFT : FaultIds.MISSING_PEER_ROUTE;
                    long start = System.nanoTime();
                    if (mac) {
                        kernel.setLinkAddress(flannel, DRIFTED);
                    } else {
                        kernel.deleteRoute(peer.podCidr(), flannel);
                    }
                    Seen found = await(seen, p -> p.iteration().appeared().stream().map(Finding::fault)
                            .anyMatch(fault::equals));
                    if (i >= 0) {
                        faultToFinding[i] = found.nanos() - start;
                        heardToFinding[i] = found.nanos() - found.pass().heardNanos();
                        faultToHeard[i] = found.pass().heardNanos() - start;
                        taken.add(new Sample(fault, found.pass().iteration().appeared().stream().map(Finding::fault)
                                .toList(), faultToFinding[i]));
                    }
                    if (mac) {
                        repairMac(kernel, node, flannel);
                    } else {
                        kernel.addOnlinkRoute(peer.podCidr(), peer.podCidr().network(), flannel);
                    }
                    await(seen, p -> p.iteration().diagnosis().findings().isEmpty());
                }
            } finally {
                watcher.stop();
                thread.interrupt();
                thread.join(LIVENESS_MILLIS);
            }
            String mode = !events ? "polling every " + pollingInterval.toMillis() + " ms"
                    : applyEvents ? "event-driven (netlink, delta passes)"
                    : "event-driven (netlink, a full snapshot per event)";
            System.out.printf("DetectionLatency %s: %d delta passes, %d full passes after the warm-up%n", mode,
                    loop.deltaPasses() - warmUpDeltas, loop.fullPasses() - warmUpFull);
            return new Result(mode, Percentiles.of(faultToFinding), Percentiles.of(faultToHeard),
                    Percentiles.of(heardToFinding), List.copyOf(taken));
        } finally {
            node.delete();
        }
    }

    /**
     * The same measurement in a JVM of its own with the agent's shipped flags ({@link ShippedJvm}: C1 only, the serial
     * collector, its small heap), so the figure is the agent's and not the Suite's JVM's (C2 and G1 behave
     * differently in a loop that wakes for a few hundred microseconds after a pause). The child runs
     * {@link #main} with {@code --json}, inside the same sandbox.
     */
    static Result measureAsShipped(Duration pollingInterval, int samples, int warmUpPasses) throws Exception {
        ShippedJvm jvm = ShippedJvm.read(Path.of(System.getProperty("vxlab.home", ".")));
        Path out = Files.createTempFile("vxlab-latency", ".json");
        Process child = null;
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.addAll(jvm.commandLine());
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DetectionLatency.class.getName(),
                    "--json", out.toString(), pollingInterval == null ? "events" : pollingInterval.toMillis() + "",
                    samples + "", warmUpPasses + ""));
            child = new ProcessBuilder(cmd).inheritIO().start();
            int exit = child.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("the latency run in the agent's JVM (" + String.join(" ",
                        jvm.commandLine()) + ") failed with exit code " + exit + "; its output is above");
            }
            return JSON.readValue(out.toFile(), Result.class);
        } finally {
            if (child != null && child.isAlive()) {
                child.destroyForcibly().waitFor(LIVENESS_MILLIS, TimeUnit.MILLISECONDS);
            }
            Files.deleteIfExists(out);
        }
    }

    /**
     * A targeted run, inside bin/vxlab-sandbox: {@code DetectionLatency [SAMPLES [WARMUP_PASSES]]} measures the
     * event-driven watcher with delta passes and with a full snapshot per event, one after the other;
     * {@code DetectionLatency --json OUT events|POLL_MS SAMPLES WARMUP_PASSES} takes one measurement (delta passes,
     * or polling every POLL_MS) and writes its result to OUT ({@link #measureAsShipped}).
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 5 && args[0].equals("--json")) {
            Duration polling = args[2].equals("events") ? null : Duration.ofMillis(Long.parseLong(args[2]));
            JSON.writeValue(Path.of(args[1]).toFile(), measure(polling, Integer.parseInt(args[3]),
                    Integer.parseInt(args[4])));
            return;
        }
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : WarmUp.PASSES;
        for (boolean deltas : new boolean[] {false, true}) {
            Result r = measure(null, samples, warmUp, deltas);
            System.out.printf("%s: fault to finding p50 %.3f ms, p99 %.3f ms, max %.3f ms; heard to finding p50 %.3f ms,"
                    + " p99 %.3f ms (%d samples)%n", r.mode(), r.faultToFinding().p50() / 1e6,
                    r.faultToFinding().p99() / 1e6, r.faultToFinding().max() / 1e6, r.heardToFinding().p50() / 1e6,
                    r.heardToFinding().p99() / 1e6, r.faultToFinding().count());
        }
    }

    /** The advertised MAC back, and the neighbor entries the kernel flushed with the old one (as flanneld does). */
    private static void repairMac(NetlinkChanges kernel, FlannelNamespace node, int flannel) throws SnapshotException {
        kernel.setLinkAddress(flannel, node.self().vtepMac());
        for (AdvertisedNode peer : node.view().nodes()) {
            if (!peer.name().equals(node.nodeName())) {
                kernel.replacePermanentNeighbor(peer.podCidr().network(), peer.vtepMac(), flannel);
            }
        }
    }

    /** The next pass the test accepts (a refused fault or repair has already thrown with the kernel's reason). */
    static Seen await(BlockingQueue<Seen> seen, Predicate<Watcher.Pass> wanted) throws InterruptedException {
        long liveness = TimeUnit.MILLISECONDS.toNanos(LIVENESS_MILLIS);
        while (true) {
            Seen s = seen.poll(liveness, TimeUnit.NANOSECONDS);
            if (s == null || s.pass() == null) {
                throw new IllegalStateException("the watcher stopped or missed a change for " + LIVENESS_MILLIS + " ms");
            }
            if (wanted.test(s.pass())) {
                return s;
            }
        }
    }
}
