package dev.vxlab.detectors.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.netlink.ChangeEvent;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import dev.vxlab.detectors.testkit.KernelEdits;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which passes the watcher makes of a feed's events (a queue here; {@link WatcherKernelTest} listens to a real
 * kernel): the events applied as a delta pass, an overrun a full snapshot, and every event a full snapshot when the
 * watcher is told not to apply events.
 */
class WatcherTest {
    private final HealthyNodes cluster = HealthyNodes.of(ClusterPlan.of(3, "192.168.50.0/24", 10, "10.244.0.0/16",
            24, 7L));
    private final String name = cluster.names().getFirst();
    private final NodeState healthy = cluster.state(name);
    private final Route gone = healthy.routesVia(cluster.plan().flannel().vtepDevice()).getFirst();
    private final NodeState lost = KernelEdits.routes(healthy, r -> !r.equals(gone), List.of());
    private final Deque<NodeState> snapshots = new ArrayDeque<>();
    private final Deque<List<ChangeEvent>> bursts = new ArrayDeque<>();

    /** Hands out one burst at a time: its events back to back, then nothing until the next call waits. */
    private final class Feed implements ChangeFeed {
        private final Deque<ChangeEvent> queued = new ArrayDeque<>();

        @Override
        public Optional<ChangeEvent> next(Duration timeout) throws InterruptedException {
            if (queued.isEmpty() && !timeout.isZero()) {
                if (bursts.isEmpty()) { // the watcher wants more than the test has: end it, the assertions tell
                    throw new InterruptedException("no more bursts");
                }
                queued.addAll(bursts.removeFirst());
            }
            return Optional.ofNullable(queued.poll());
        }
    }

    private List<Watcher.Pass> watch(boolean applyEvents, int passes) throws Exception {
        ProbeLoop loop = new ProbeLoop(name, snapshots::removeFirst, Doctor.load(), cluster.view());
        Watcher watcher = new Watcher(loop, new Feed(), Duration.ofHours(1), applyEvents);
        List<Watcher.Pass> seen = new ArrayList<>();
        watcher.run(pass -> {
            seen.add(pass);
            if (seen.size() == passes) {
                watcher.stop();
            }
        });
        Thread.interrupted(); // stop() interrupts the watching thread: this one
        return seen;
    }

    private static List<String> faults(List<Finding> findings) {
        return findings.stream().map(Finding::fault).toList();
    }

    @Test
    void eventsMakeADeltaPassAndAnOverrunAFullOne() throws Exception {
        snapshots.add(healthy);
        bursts.add(List.of(new ChangeEvent.RouteChanged(gone.table(), gone.dst(), true, Optional.of(gone))));
        snapshots.add(healthy);
        bursts.add(List.of(new ChangeEvent.SysctlChanged(ChangeEvent.SysctlChanged.ALL), new ChangeEvent.Overrun()));

        List<Watcher.Pass> passes = watch(true, 3);
        assertThat(passes).extracting(Watcher.Pass::trigger).containsExactly(Watcher.Trigger.START,
                Watcher.Trigger.EVENT, Watcher.Trigger.OVERRUN);
        assertThat(passes).extracting(p -> p.iteration().delta()).containsExactly(false, true, false);
        assertThat(faults(passes.get(1).iteration().appeared())).contains(FaultIds.MISSING_PEER_ROUTE);
        assertThat(passes.get(1).iteration().state()).isEqualTo(lost);
        assertThat(faults(passes.get(2).iteration().cleared())).as("the snapshot after the overrun")
                .contains(FaultIds.MISSING_PEER_ROUTE);
        assertThat(passes.get(2).events()).isEqualTo(2);
        assertThat(snapshots).isEmpty();
    }

    @Test
    void withoutApplyingEventsEveryEventPassIsASnapshot() throws Exception {
        snapshots.add(healthy);
        snapshots.add(lost);
        bursts.add(List.of(new ChangeEvent.RouteChanged(gone.table(), gone.dst(), true, Optional.of(gone))));

        List<Watcher.Pass> passes = watch(false, 2);
        assertThat(passes).extracting(p -> p.iteration().delta()).containsExactly(false, false);
        assertThat(faults(passes.get(1).iteration().appeared())).contains(FaultIds.MISSING_PEER_ROUTE);
        assertThat(snapshots).isEmpty();
    }

    @Test
    void aViewChangeWakesTheWatcherForAPassWithoutASnapshot() throws Exception {
        snapshots.add(healthy); // the start's; the view pass takes none
        var republished = new java.util.concurrent.atomic.AtomicReference<>(cluster.view());
        ProbeLoop loop = new ProbeLoop(name, snapshots::removeFirst, Doctor.load(), republished::get,
                Optional.empty(), dev.vxlab.detectors.spi.FlannelConfig.DEFAULT);
        // a feed with no events that sleeps until woken (or 60 s: only the wake-up can make the pass in time)
        java.util.concurrent.Semaphore woken = new java.util.concurrent.Semaphore(0);
        ChangeFeed feed = new ChangeFeed() {
            @Override
            public Optional<ChangeEvent> next(Duration timeout) throws InterruptedException {
                woken.tryAcquire(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
                return Optional.empty();
            }

            @Override
            public void wakeUp() {
                woken.release();
            }
        };
        Watcher watcher = new Watcher(loop, feed, Duration.ofSeconds(60));
        java.util.concurrent.BlockingQueue<Watcher.Pass> passes = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread watching = Thread.ofPlatform().start(() -> {
            try {
                watcher.run(passes::add);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            assertThat(passes.poll(10, java.util.concurrent.TimeUnit.SECONDS)).extracting(Watcher.Pass::trigger)
                    .isEqualTo(Watcher.Trigger.START);
            var self = republished.get().byName(name).orElseThrow();
            List<dev.vxlab.detectors.advertised.AdvertisedNode> nodes = new ArrayList<>(republished.get().nodes());
            nodes.set(nodes.indexOf(self), self.withVtepMac(dev.vxlab.detectors.addr.MacAddress.parse(
                    "7a:3c:58:e1:90:2d")));
            republished.set(new dev.vxlab.detectors.advertised.ClusterView(nodes));
            watcher.viewChanged();
            Watcher.Pass pass = passes.poll(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(pass).as("a pass well before the 60 s timer").isNotNull();
            assertThat(pass.trigger()).isEqualTo(Watcher.Trigger.VIEW);
            assertThat(pass.iteration().delta()).as("no snapshot").isTrue();
            assertThat(faults(pass.iteration().appeared())).contains(FaultIds.VTEP_MAC_DRIFT);
        } finally {
            watcher.stop();
            watching.join(10_000);
        }
        assertThat(watching.isAlive()).as("stop() ends it").isFalse();
    }
}
