package dev.vxlab.bench;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.agent.ChangeFeed;
import dev.vxlab.detectors.agent.ProbeLoop;
import dev.vxlab.detectors.agent.Watcher;
import dev.vxlab.detectors.netlink.NetlinkSource;
import dev.vxlab.detectors.netlink.NetlinkSubscription;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.testkit.FlannelNamespace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * From a fault to the watcher's finding, on a real flannel node (4 peers): the fault is a line written to a
 * long-lived {@code ip -batch -} in the node's namespace (a VTEP MAC change, or a peer route deleted, alternately);
 * the clock starts when the line is written and stops when the watcher's pass that names the fault returns. Between
 * samples the fault is repaired, the watcher must say healthy again, and a random pause puts the next fault at a
 * random phase of the polling timer. Event-driven mode listens to netlink (its counter timer at 1 s, as the CLI's
 * default) and applies the events to its last state (delta passes), or, as the baseline, takes a full snapshot on
 * each; polling mode has no events, only its timer. The loop is warmed up first (see {@link WarmUp}), and the
 * first fault cycles are not counted (they warm up the code that only a faulty node runs).
 */
final class DetectionLatency {
    private static final long LIVENESS_MILLIS = 10_000;
    /** How often a wait looks at what ip printed. */
    private static final long ERROR_CHECK_MILLIS = 50;
    private static final MacAddress DRIFTED = MacAddress.parse("b6:9b:ed:b0:37:74");

    /**
     * What the samples measured: fault to finding, and the watcher's own part (event heard to finding); and each
     * sample as it was taken.
     */
    record Result(String mode, Percentiles faultToFinding, Percentiles heardToFinding, List<Sample> samples) {}

    /** One counted fault cycle: the fault id written, the ids the watcher's pass named, and the time in between. */
    record Sample(String fault, List<String> named, long faultToFindingNanos) {}

    record Seen(long nanos, Watcher.Pass pass) {}

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
        IpBatch ip = IpBatch.start(node.namespace());
        try (NetlinkSource source = NetlinkSource.open(node.file());
             NetlinkSubscription subscription = NetlinkSubscription.open(node.file())) {
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
            long pauseBound = events ? 20 : pollingInterval.toMillis();
            try {
                await(seen, p -> true, ip);
                // The first cycles only warm up the paths a healthy loop never takes (findings, their diff).
                int warmUpCycles = Math.min(warmUpPasses / 50, events ? 100 : 2);
                for (int i = -warmUpCycles; i < samples; i++) {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(1, pauseBound + 1));
                    seen.clear();
                    boolean mac = (i & 1) == 0;
                    String fault = mac ? FaultIds.VTEP_MAC_DRIFT : FaultIds.MISSING_PEER_ROUTE;
                    long start = System.nanoTime();
                    ip.send(mac ? "link set flannel.1 address " + DRIFTED + "\n"
                            : "route del " + node.peer(1).podCidr() + "\n");
                    Seen found = await(seen, p -> p.iteration().appeared().stream().map(Finding::fault)
                            .anyMatch(fault::equals), ip);
                    if (i >= 0) {
                        faultToFinding[i] = found.nanos() - start;
                        heardToFinding[i] = found.nanos() - found.pass().heardNanos();
                        taken.add(new Sample(fault, found.pass().iteration().appeared().stream().map(Finding::fault)
                                .toList(), faultToFinding[i]));
                    }
                    ip.send(mac ? repairMac(node) : "route add " + node.peer(1).podCidr() + " via "
                            + node.peer(1).podCidr().network() + " dev flannel.1 onlink\n");
                    await(seen, p -> p.iteration().diagnosis().findings().isEmpty(), ip);
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
            return new Result(mode, Percentiles.of(faultToFinding), Percentiles.of(heardToFinding), List.copyOf(taken));
        } finally {
            ip.close();
            node.delete();
        }
    }

    /**
     * A targeted run, inside bin/vxlab-sandbox: {@code DetectionLatency [SAMPLES [WARMUP_PASSES]]} measures the
     * event-driven watcher with delta passes and with a full snapshot per event, one after the other.
     */
    public static void main(String[] args) throws Exception {
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
    private static String repairMac(FlannelNamespace node) {
        StringBuilder out = new StringBuilder("link set flannel.1 address " + node.self().vtepMac() + "\n");
        for (AdvertisedNode peer : node.view().nodes()) {
            if (!peer.name().equals(node.nodeName())) {
                out.append("neigh replace ").append(peer.podCidr().network()).append(" lladdr ")
                        .append(peer.vtepMac()).append(" dev flannel.1 nud permanent\n");
            }
        }
        return out.toString();
    }

    /**
     * The next pass the test accepts. A fault or repair that ip refused fails at once with ip's own message (the
     * watcher would never see it, and the wait would end in "the watcher stopped" ten seconds later).
     */
    static Seen await(BlockingQueue<Seen> seen, Predicate<Watcher.Pass> wanted, IpBatch ip) throws InterruptedException {
        long liveness = TimeUnit.MILLISECONDS.toNanos(LIVENESS_MILLIS);
        long deadline = System.nanoTime() + liveness;
        while (true) {
            ip.failIfRefused();
            Seen s = seen.poll(ERROR_CHECK_MILLIS, TimeUnit.MILLISECONDS);
            if (s == null && System.nanoTime() < deadline) {
                continue;
            }
            if (s == null || s.pass() == null) {
                ip.failIfRefused();
                throw new IllegalStateException("the watcher stopped or missed a change for " + LIVENESS_MILLIS + " ms");
            }
            if (wanted.test(s.pass())) {
                return s;
            }
            deadline = System.nanoTime() + liveness; // a pass came: the watcher is alive
        }
    }

    /** A long-lived {@code ip -force -batch -} in a namespace whose complaints are kept, not discarded. */
    static final class IpBatch implements AutoCloseable {
        private final Process process;
        private final OutputStream commands;
        private volatile String lastSent = "";
        private final List<String> stderr = new CopyOnWriteArrayList<>();
        private final Thread reader;

        private IpBatch(Process process) {
            this.process = process;
            this.commands = process.getOutputStream();
            this.reader = Thread.ofPlatform().daemon().name("ip-batch-stderr").start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        stderr.add(line);
                    }
                } catch (IOException e) {
                    stderr.add("(reading ip's stderr failed: " + e.getMessage() + ")");
                }
            });
        }

        static IpBatch start(String namespace) throws IOException {
            return new IpBatch(new ProcessBuilder("ip", "-force", "-n", namespace, "-batch", "-")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        }

        void send(String lines) throws IOException {
            lastSent = String.join("; ", lines.lines().toList());
            commands.write(lines.getBytes(StandardCharsets.US_ASCII));
            commands.flush();
        }

        /** Throws with ip's own words once it has printed anything (with -force it goes on, so nothing else says so). */
        void failIfRefused() {
            if (!stderr.isEmpty()) {
                throw new IllegalStateException("ip -batch refused a command (last sent: " + lastSent + "): "
                        + String.join("; ", stderr));
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            try {
                commands.close();
            } finally {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroy();
                }
                reader.join(1000);
            }
        }
    }
}
