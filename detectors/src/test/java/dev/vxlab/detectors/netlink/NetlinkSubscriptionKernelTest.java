package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.testkit.FlannelNode;
import dev.vxlab.detectors.testkit.TestNetns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NetlinkSubscription against a real kernel: the changes NetworkManager makes to a flannel node are each heard as an
 * event, and an overflowing socket says so. Waits are bounded only so that a missing event fails instead of hanging.
 */
@Kernel
class NetlinkSubscriptionKernelTest {
    private static final Duration LIVENESS = Duration.ofSeconds(10);

    private final TestNetns lab = new TestNetns();
    private FlannelNode node;
    private NodeState state;

    @BeforeEach
    void programTheNode() throws Exception {
        node = FlannelNode.build(lab);
        try (NetlinkSource source = NetlinkSource.open(namespace())) {
            state = source.snapshot();
        }
    }

    @AfterEach
    void deleteTheNamespaces() {
        lab.close();
    }

    private Path namespace() {
        return Path.of("/run/netns", node.node());
    }

    private int index(String link) {
        return state.link(link).orElseThrow().index();
    }

    /** Reads events until one matches; returns the ones read. */
    private static List<ChangeEvent> awaitEvent(NetlinkSubscription changes, Predicate<ChangeEvent> wanted)
            throws Exception {
        List<ChangeEvent> seen = new ArrayList<>();
        while (true) {
            ChangeEvent event = changes.next(LIVENESS).orElseGet(() -> fail("no matching event; saw " + seen));
            seen.add(event);
            if (wanted.test(event)) {
                return seen;
            }
        }
    }

    @Test
    void hearsTheVtepMacChangeAndTheNeighborFlushThatComesWithIt() throws Exception {
        try (NetlinkSubscription changes = NetlinkSubscription.open(namespace())) {
            lab.ip(node.node(), "link", "set", "flannel.1", "address", "7a:3c:58:e1:90:2d");
            int flannel = index("flannel.1");
            List<ChangeEvent> seen = awaitEvent(changes, e -> e instanceof ChangeEvent.LinkChanged l
                    && l.index() == flannel && l.name().equals("flannel.1") && !l.removed());
            ChangeEvent.LinkChanged changed = (ChangeEvent.LinkChanged) seen.getLast();
            assertThat(changed.link()).as("the link as the kernel announced it").hasValueSatisfying(l -> {
                assertThat(l.mac()).contains(MacAddress.parse("7a:3c:58:e1:90:2d"));
                var before = state.link("flannel.1").orElseThrow();
                assertThat(List.of(l.kind(), l.mtu(), l.flags(), l.vxlan().map(v -> v.vni())))
                        .isEqualTo(List.of(before.kind(), before.mtu(), before.flags(),
                                before.vxlan().map(v -> v.vni())));
            });
            seen.addAll(awaitEvent(changes, e -> e instanceof ChangeEvent.NeighborChanged n && n.linkIndex() == flannel
                    && !n.fdb() && n.removed() && n.neighbor().isPresent()));
        }
    }

    @Test
    void hearsRouteAddressNeighborFdbAndSysctlChanges() throws Exception {
        try (NetlinkSubscription changes = NetlinkSubscription.open(namespace())) {
            int flannel = index("flannel.1");
            lab.ip(node.node(), "route", "del", "10.187.1.0/24");
            Route held = state.routesIn(Route.TABLE_MAIN).stream()
                    .filter(r -> r.dst().equals(Ipv4Prefix.parse("10.187.1.0/24"))).findFirst().orElseThrow();
            ChangeEvent.RouteChanged route = (ChangeEvent.RouteChanged) awaitEvent(changes,
                    e -> e instanceof ChangeEvent.RouteChanged r && r.table() == Route.TABLE_MAIN
                            && r.dst().equals(Ipv4Prefix.parse("10.187.1.0/24")) && r.removed()).getLast();
            assertThat(route.route()).as("the removed route, as the snapshot held it")
                    .hasValueSatisfying(r -> assertThat(r.toString()).isEqualTo(held.toString()));
            lab.ip(node.node(), "neigh", "del", "10.187.2.0", "dev", "flannel.1");
            ChangeEvent.NeighborChanged neighbor = (ChangeEvent.NeighborChanged) awaitEvent(changes,
                    e -> e instanceof ChangeEvent.NeighborChanged n && n.linkIndex() == flannel && !n.fdb()
                            && n.removed()).getLast();
            assertThat(neighbor.neighbor()).map(n -> n.ip().toString()).contains("10.187.2.0");
            // Removing a device's last IPv4 address also flushes its neighbors, permanent ones included.
            lab.ip(node.node(), "addr", "del", "10.187.0.0/32", "dev", "flannel.1");
            awaitEvent(changes, e -> e instanceof ChangeEvent.AddressChanged a && a.linkIndex() == flannel
                    && a.prefix().equals(Ipv4Prefix.parse("10.187.0.0/32")) && a.removed()
                    && a.address().map(x -> x.prefix()).equals(java.util.Optional.of(a.prefix())));
            lab.bridge(node.node(), "fdb", "del", FlannelNode.PEERS[1][1], "dev", "flannel.1", "dst",
                    FlannelNode.PEERS[1][2]);
            ChangeEvent.NeighborChanged fdb = (ChangeEvent.NeighborChanged) awaitEvent(changes,
                    e -> e instanceof ChangeEvent.NeighborChanged n && n.linkIndex() == flannel && n.fdb()
                            && n.removed()).getLast();
            assertThat(fdb.entry()).as("the FDB entry removed").hasValueSatisfying(entry -> {
                assertThat(entry.mac()).isEqualTo(MacAddress.parse(FlannelNode.PEERS[1][1]));
                assertThat(entry.dst().map(Object::toString)).contains(FlannelNode.PEERS[1][2]);
            });
            lab.exec(node.node(), "sysctl", "-qw", "net.ipv4.conf.eth0.rp_filter=1");
            awaitEvent(changes, e -> e.equals(new ChangeEvent.SysctlChanged(index("eth0"))));
            lab.ip(node.node(), "rule", "add", "to", "10.187.1.0/24", "table", "100", "prio", "50");
            ChangeEvent.RuleChanged added = (ChangeEvent.RuleChanged) awaitEvent(changes,
                    e -> e instanceof ChangeEvent.RuleChanged r && r.priority() == 50 && !r.removed()).getLast();
            assertThat(added.rule()).hasValueSatisfying(r -> assertThat(r.table()).isEqualTo(100));
            lab.ip(node.node(), "rule", "del", "prio", "50");
            awaitEvent(changes, e -> e instanceof ChangeEvent.RuleChanged r && r.priority() == 50 && r.removed());
        }
    }

    @Test
    void waitingWithoutChangesEndsEmpty() throws Exception {
        try (NetlinkSubscription changes = NetlinkSubscription.open(namespace())) {
            // Drain what the fresh devices may still announce, then a zero wait finds nothing.
            while (changes.next(Duration.ofMillis(200)).isPresent()) {
                // keep draining
            }
            assertThat(changes.next(Duration.ZERO)).isEmpty();
        }
    }

    @Test
    void aFloodIntoATinyBufferIsAnOverrunAndTheSubscriptionGoesOn(@TempDir Path dir) throws Exception {
        try (NetlinkSubscription changes = NetlinkSubscription.open(namespace(), 1)) {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                batch.append("route add 10.50.").append(i).append(".0/24 dev eth0\n");
            }
            Path file = Files.writeString(dir.resolve("routes.batch"), batch);
            TestNetns.run("ip", "-n", node.node(), "-batch", file.toString());
            assertThat(awaitEvent(changes, e -> e instanceof ChangeEvent.Overrun)).as("queued events are superseded")
                    .hasSize(1);
            // The queue was emptied with the overrun, so a change right after it is heard.
            lab.ip(node.node(), "route", "del", "10.187.2.0/24");
            awaitEvent(changes, e -> e instanceof ChangeEvent.RouteChanged r && r.table() == Route.TABLE_MAIN
                    && r.dst().equals(Ipv4Prefix.parse("10.187.2.0/24")) && r.removed());
        }
    }

    @Test
    void anInterruptEndsTheWait() throws Exception {
        try (NetlinkSubscription changes = NetlinkSubscription.open(namespace())) {
            Thread.currentThread().interrupt();
            // With events queued the interrupt waits its turn; with none it ends the wait.
            boolean interrupted = false;
            for (int i = 0; i < 1000 && !interrupted; i++) {
                try {
                    changes.next(LIVENESS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            assertThat(interrupted).isTrue();
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }
    }

    /** Far beyond LIVENESS: a wait that returns well before it ended through the wake, not its timeout. */
    private static final Duration LONG_WAIT = Duration.ofSeconds(60);

    @Test
    void anInterruptFromAnotherThreadEndsALongWait() throws Exception {
        try (NetlinkSubscription changes = NetlinkSubscription.open(namespace())) {
            drain(changes);
            java.util.concurrent.CompletableFuture<Throwable> ended = new java.util.concurrent.CompletableFuture<>();
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    while (true) {
                        changes.next(LONG_WAIT); // a stray neighbor event may come first
                    }
                } catch (Throwable t) {
                    ended.complete(t);
                }
            });
            Thread.sleep(200); // most likely in poll(2) by now; either way the interrupt must end it
            waiter.interrupt();
            assertThat(ended.get(LIVENESS.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                    .isInstanceOf(InterruptedException.class);
            waiter.join();
        }
    }

    @Test
    void aWakeUpEndsALongWaitEmptyAndTheSubscriptionGoesOn() throws Exception {
        try (NetlinkSubscription changes = NetlinkSubscription.open(namespace())) {
            drain(changes);
            Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                changes.wakeUp();
            });
            long start = System.nanoTime();
            java.util.Optional<ChangeEvent> woken;
            do {
                woken = changes.next(LONG_WAIT);
            } while (woken.isPresent()); // a stray event may come first
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LIVENESS);
            // a wake-up before the wait ends that wait at once; the next waits again
            changes.wakeUp();
            start = System.nanoTime();
            do {
                woken = changes.next(LONG_WAIT);
            } while (woken.isPresent());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LIVENESS);
            lab.ip(node.node(), "route", "del", "10.187.2.0/24");
            awaitEvent(changes, e -> e instanceof ChangeEvent.RouteChanged r && r.dst().equals(
                    Ipv4Prefix.parse("10.187.2.0/24")) && r.removed());
        }
    }

    @Test
    void aWakeUpAfterCloseDoesNothing() throws Exception {
        NetlinkSubscription changes = NetlinkSubscription.open(namespace());
        changes.close();
        changes.wakeUp();
    }

    /** Takes what the node's set-up left queued. */
    private static void drain(NetlinkSubscription changes) throws Exception {
        while (changes.next(Duration.ZERO).isPresent()) {
            // set-up's events
        }
    }
}
