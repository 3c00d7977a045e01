package dev.vxlab.detectors.agent;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.netlink.NetlinkSource;
import dev.vxlab.detectors.netlink.NetlinkSubscription;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.testkit.FlannelNamespace;
import dev.vxlab.detectors.testkit.TestNetns;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The watcher on a real kernel: a fault made in a flannel node's namespace is named from the change events alone (the
 * counter timer is set to an hour, so it never fires), and so is its repair. Waits are bounded only so that a missing
 * pass fails instead of hanging.
 */
@Kernel
class WatcherKernelTest {
    private static final Duration LIVENESS = Duration.ofSeconds(10);

    private final TestNetns lab = new TestNetns();
    private FlannelNamespace node;
    private NetlinkSource source;
    private NetlinkSubscription subscription;
    private Watcher watcher;
    private Thread thread;
    private final BlockingQueue<Watcher.Pass> passes = new LinkedBlockingQueue<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @BeforeEach
    void watchAFlannelNode() throws Exception {
        node = FlannelNamespace.program(lab.add("node"), 3);
        source = NetlinkSource.open(node.file());
        subscription = NetlinkSubscription.open(node.file());
        ProbeLoop loop = new ProbeLoop(node.nodeName(), source, Doctor.load(), node.view());
        watcher = new Watcher(loop, subscription::next, Duration.ofHours(1));
        thread = Thread.ofPlatform().name("watcher").start(() -> {
            try {
                watcher.run(passes::add);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        Watcher.Pass start = next();
        assertThat(start.trigger()).isEqualTo(Watcher.Trigger.START);
        assertThat(start.iteration().diagnosis().findings()).as("the programmed node is healthy").isEmpty();
    }

    @AfterEach
    void stop() throws Exception {
        watcher.stop();
        thread.join(LIVENESS.toMillis());
        subscription.close();
        source.close();
        lab.close();
        assertThat(failure.get()).isNull();
    }

    /** The next pass that changed something; every pass before it must have been event-driven. */
    private Watcher.Pass nextChange() throws InterruptedException {
        while (true) {
            Watcher.Pass pass = next();
            assertThat(pass.trigger()).isIn(Watcher.Trigger.EVENT, Watcher.Trigger.OVERRUN);
            if (pass.iteration().changed()) {
                return pass;
            }
        }
    }

    private Watcher.Pass next() throws InterruptedException {
        Watcher.Pass pass = passes.poll(LIVENESS.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(pass).as("a pass within %s (watcher failure: %s)", LIVENESS, failure.get()).isNotNull();
        return pass;
    }

    private static List<String> faults(List<dev.vxlab.detectors.spi.Finding> findings) {
        return findings.stream().map(f -> f.fault() + "@" + f.device()).toList();
    }

    @Test
    void aVtepMacChangeIsNamedFromEventsAndSoIsItsRepair() throws Exception {
        lab.ip(node.namespace(), "link", "set", "flannel.1", "address", "b6:9b:ed:b0:37:74");

        Watcher.Pass drifted = nextChange();
        assertThat(faults(drifted.iteration().appeared())).contains(FaultIds.VTEP_MAC_DRIFT + "@flannel.1");
        assertThat(drifted.changes()).allMatch(c -> c.kind() == FindingChange.Kind.APPEARED);
        assertThat(drifted.iteration().delta()).as("the link and neighbor events applied, no snapshot").isTrue();

        lab.ip(node.namespace(), "link", "set", "flannel.1", "address", FlannelNamespace.FIELD_VTEP_MAC.toString());
        List<String> cleared = new java.util.ArrayList<>();
        while (!cleared.contains(FaultIds.VTEP_MAC_DRIFT + "@flannel.1")) {
            cleared.addAll(faults(nextChange().iteration().cleared()));
        }
    }

    @Test
    void aDeletedPeerRouteIsNamedFromEventsAndSoIsItsRestoration() throws Exception {
        String peerSubnet = node.peer(2).podCidr().toString();
        lab.ip(node.namespace(), "route", "del", peerSubnet);

        Watcher.Pass lost = nextChange();
        assertThat(faults(lost.iteration().appeared())).containsExactly(FaultIds.MISSING_PEER_ROUTE + "@flannel.1");
        assertThat(lost.iteration().appeared().getFirst().summary()).contains(node.peer(2).podCidr().network().toString());
        assertThat(lost.iteration().delta()).as("the route event applied, no snapshot").isTrue();

        lab.ip(node.namespace(), "route", "add", peerSubnet, "via", node.peer(2).podCidr().network().toString(),
                "dev", "flannel.1", "onlink");
        Watcher.Pass restored = nextChange();
        assertThat(faults(restored.iteration().cleared())).containsExactly(FaultIds.MISSING_PEER_ROUTE + "@flannel.1");
        assertThat(restored.iteration().diagnosis().findings()).isEmpty();
        assertThat(restored.iteration().delta()).isTrue();
        assertThat(restored.iteration().state().withoutCounters()).as("the state kept from events is the node's")
                .isEqualTo(source.snapshot().withoutCounters());
    }
}
