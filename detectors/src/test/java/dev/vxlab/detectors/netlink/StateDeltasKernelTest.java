package dev.vxlab.detectors.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.source.CommandRunner;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.testkit.FlannelNode;
import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.detectors.testkit.TestNetns;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The property of {@link StateDeltas} on the real kernel: seeded random batches of changes (routes added and removed
 * in two tables, neighbor MACs replaced, proxy entries added, FDB remotes appended, replaced and removed, links down and up, addresses
 * added and removed, MTUs and a VTEP MAC changed, policy rules added and removed, a dummy link added) made with {@code ip}/{@code bridge} on a
 * flannel node; after each batch the state kept up to date by the batch's events, when {@code StateDeltas} accepts
 * them, equals a fresh snapshot (without counters), and names every part that changed. A refused batch is replaced by
 * the snapshot, as the agent's loop does. On a failure the change sequence is shrunk (ddmin, each candidate replayed
 * on a new node) and the seed and the minimal sequence are printed. {@code -Dvxlab.seed=N} replays a run,
 * {@code -Dvxlab.deltas.cases=N} runs more cases than the few a suite run affords.
 */
@Kernel
class StateDeltasKernelTest {
    private static final int CASES = Integer.getInteger("vxlab.deltas.cases", 2);
    private static final int BATCHES = 5;
    private static final String[] DEVICES = {"flannel.1", "cni0", "veth3a5c1e07"};

    /** One change, as the command that makes it, and the batch it belongs to. */
    record Change(int batch, List<String> argv) {
        @Override
        public String toString() {
            return "batch " + batch + ": " + String.join(" ", argv);
        }
    }

    /** What a run of batches found: how many batches were applied and refused, and the first mismatch. */
    record Run(int applied, int refused, Optional<String> mismatch) {}

    @Test
    void eventsKeepTheStateEqualToAFreshSnapshot() throws Exception {
        long seed = Long.getLong("vxlab.seed", new Random().nextLong());
        System.out.println("StateDeltasKernelTest seed=" + seed + " (replay with -Dvxlab.seed=" + seed + ")");
        Random random = new Random(seed);
        int applied = 0;
        int refused = 0;
        for (int c = 0; c < CASES; c++) {
            long caseSeed = random.nextLong();
            List<Change> changes = new ArrayList<>();
            Run run = run(new Random(caseSeed), changes);
            applied += run.applied();
            refused += run.refused();
            if (run.mismatch().isPresent()) {
                List<Change> minimal = shrink(changes);
                String report = "seed " + seed + " case " + c + ": " + run.mismatch().get() + "\nminimal sequence ("
                        + minimal.size() + " of " + changes.size() + " changes):\n  "
                        + String.join("\n  ", minimal.stream().map(Change::toString).toList());
                System.out.println(report);
                throw new AssertionError(report);
            }
        }
        System.out.println("StateDeltasKernelTest: " + CASES + " cases, " + applied + " batches applied from events, "
                + refused + " refused");
        assertThat(applied).as("batches applied from events (not all refused)").isPositive();
    }

    /**
     * Builds a node and runs batches on it: generated from {@code random} into {@code changes}, or, when
     * {@code random} is null, the given changes replayed batch by batch (named after the new node's namespace).
     */
    private static Run run(Random random, List<Change> changes) throws Exception {
        try (TestNetns lab = new TestNetns()) {
            FlannelNode node = FlannelNode.build(lab);
            String ns = node.node();
            Path file = Path.of("/run/netns", ns);
            try (NetlinkSubscription events = NetlinkSubscription.open(file);
                 NetlinkSource source = NetlinkSource.open(file)) {
                NodeState state = source.snapshot();
                int applied = 0;
                int refused = 0;
                int batches = random != null ? BATCHES : changes.isEmpty() ? 0 : changes.getLast().batch() + 1;
                for (int b = 0; b < batches; b++) {
                    if (random != null) {
                        for (int i = 1 + random.nextInt(4); i > 0; i--) {
                            changes.add(new Change(b, generate(random, state, ns)));
                        }
                    }
                    for (Change change : changes) {
                        if (change.batch() == b) { // one the node refuses (a route of a link now down) changes nothing
                            List<String> argv = new ArrayList<>(change.argv());
                            argv.set(2, ns);
                            CommandRunner.local().run(argv);
                        }
                    }
                    List<ChangeEvent> heard = drain(events);
                    NodeState fresh = source.snapshot();
                    if (StateDeltas.apply(state, heard) instanceof StateDeltas.Applied a) {
                        NodeState kept = comparable(a.state());
                        if (!kept.equals(comparable(fresh))) {
                            return new Run(applied, refused, Optional.of("after batch " + b + " the state kept from "
                                    + heard.size() + " events differs from a fresh snapshot:\n"
                                    + difference(kept, comparable(fresh))));
                        }
                        Set<StatePart> changed = StatePart.changed(comparable(state), kept);
                        if (!a.changed().containsAll(changed)) {
                            return new Run(applied, refused, Optional.of("after batch " + b + " the parts " + changed
                                    + " changed but StateDeltas said " + a.changed()));
                        }
                        state = a.state();
                        applied++;
                    } else {
                        state = fresh;
                        refused++;
                    }
                }
                return new Run(applied, refused, Optional.empty());
            }
        }
    }

    /**
     * The state without counters and without the multicast neighbor entries the kernel makes unannounced whenever it
     * sends to a group (IGMP reports come at any time): {@link StateDeltas} cannot know them, and no detector reads
     * them.
     */
    private static NodeState comparable(NodeState s) {
        NodeState plain = s.withoutCounters();
        return new NodeState(plain.links(), plain.addresses(), plain.routes(),
                plain.neighbors().stream().filter(n -> !multicast(n)).toList(), plain.fdb(), plain.sysctls(),
                plain.networkManager(), plain.firewall(), plain.rules(), plain.udev());
    }

    private static boolean multicast(Neighbor n) {
        return (n.ip().bits() >>> 28) == 0xE;
    }

    /** The events the batch caused: all queued when its commands returned; a short wait catches stragglers. */
    private static List<ChangeEvent> drain(NetlinkSubscription events) throws Exception {
        List<ChangeEvent> heard = new ArrayList<>();
        for (Optional<ChangeEvent> e = events.next(Duration.ofMillis(20)); e.isPresent();
                e = events.next(Duration.ofMillis(20))) {
            heard.add(e.get());
        }
        return heard;
    }

    private static List<String> generate(Random r, NodeState s, String ns) {
        String dev = DEVICES[r.nextInt(DEVICES.length)];
        return switch (r.nextInt(13)) {
            case 0 -> ip(ns, "route", "add", "10.60." + r.nextInt(256) + ".0/24", "via", "172.31.159." + (1 + r.nextInt(200)),
                    "dev", "eth0", "table", r.nextBoolean() ? "main" : "100", "metric", String.valueOf(r.nextInt(3) * 10));
            case 1 -> ip(ns, "route", "add", "10.187." + (3 + r.nextInt(50)) + ".0/24", "via",
                    "10.187." + (3 + r.nextInt(50)) + ".0", "dev", "flannel.1", "onlink");
            case 2 -> removable(s).isEmpty() ? ip(ns, "route", "del", "10.187.1.0/24")
                    : routeDel(ns, removable(s).get(r.nextInt(removable(s).size())));
            case 3 -> r.nextInt(5) == 0 ? ip(ns, "neigh", "add", "proxy", "10.187.0." + (10 + r.nextInt(5)), "dev", dev)
                    : ip(ns, "neigh", "replace", "10.187." + (1 + r.nextInt(5)) + ".0", "lladdr", mac(r), "dev",
                            "flannel.1", "nud", "permanent");
            case 4 -> unicast(s).isEmpty() ? ip(ns, "neigh", "del", "10.187.1.0", "dev", "flannel.1")
                    : neighborDel(ns, unicast(s).get(r.nextInt(unicast(s).size())));
            case 5 -> bridge(ns, "fdb", r.nextInt(3) == 0 ? "replace" : "append",
                    r.nextBoolean() ? FlannelNode.PEERS[r.nextInt(2)][1] : mac(r), "dev", "flannel.1", "dst",
                    "172.31.159." + (20 + r.nextInt(5)), "self", "permanent");
            case 6 -> s.fdb().isEmpty() ? bridge(ns, "fdb", "del", FlannelNode.PEERS[0][1], "dev", "flannel.1")
                    : fdbDel(ns, s.fdb().get(r.nextInt(s.fdb().size())));
            case 7 -> ip(ns, "link", "set", dev, r.nextBoolean() ? "down" : "up");
            case 8 -> ip(ns, "addr", "add", "10.70." + r.nextInt(256) + "." + (1 + r.nextInt(250)) + "/"
                    + (24 + r.nextInt(9)), "dev", dev);
            case 9 -> s.addresses().isEmpty() ? ip(ns, "addr", "del", "10.187.0.1/24", "dev", "cni0")
                    : addressDel(ns, s.addresses().get(r.nextInt(s.addresses().size())));
            case 10 -> ip(ns, "link", "set", dev, "mtu", String.valueOf(1280 + r.nextInt(221)));
            case 11 -> r.nextBoolean() || s.rules().size() <= 3
                    ? ip(ns, "rule", "add", "to", "10.80." + r.nextInt(256) + ".0/24", "table", "100", "prio",
                            String.valueOf(1000 + r.nextInt(50)))
                    : ip(ns, "rule", "del", "prio", Long.toString(s.rules().get(r.nextInt(s.rules().size() - 3) + 1)
                            .priority()));
            default -> r.nextBoolean() ? ip(ns, "link", "set", "flannel.1", "address", mac(r))
                    : ip(ns, "link", "add", "dummy" + r.nextInt(4), "type", "dummy");
        };
    }

    /** Routes vxlab's changes may take away: not the kernel's own (local table, prefix routes). */
    private static List<Route> removable(NodeState s) {
        return s.routes().stream().filter(rt -> rt.table() != Route.TABLE_LOCAL
                && !rt.protocol().equals(Route.Protocol.KERNEL)).toList();
    }

    private static List<String> routeDel(String ns, Route r) {
        List<String> argv = new ArrayList<>(ip(ns, "route", "del"));
        if (r.type() != Route.Type.UNICAST) {
            argv.add(r.type().name().toLowerCase(java.util.Locale.ROOT));
        }
        argv.addAll(List.of(r.dst().toString(), "table", Integer.toUnsignedString(r.table()), "metric",
                Long.toString(r.metric())));
        return argv;
    }

    private static List<Neighbor> unicast(NodeState s) {
        return s.neighbors().stream().filter(n -> !multicast(n)).toList();
    }

    private static List<String> neighborDel(String ns, Neighbor n) {
        return ip(ns, "neigh", "del", n.ip().toString(), "dev", n.dev().name());
    }

    private static List<String> fdbDel(String ns, FdbEntry e) {
        List<String> argv = new ArrayList<>(bridge(ns, "fdb", "del", e.mac().toString(), "dev", e.dev().name()));
        e.dst().ifPresent(d -> argv.addAll(List.of("dst", d.toString())));
        return argv;
    }

    private static List<String> addressDel(String ns, Address a) {
        return ip(ns, "addr", "del", a.prefix().toString(), "dev", a.link().name());
    }

    private static String mac(Random r) {
        return String.format("02:%02x:%02x:%02x:%02x:%02x", r.nextInt(256), r.nextInt(256), r.nextInt(256),
                r.nextInt(256), r.nextInt(256));
    }

    private static List<String> ip(String ns, String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "-n", ns));
        argv.addAll(List.of(args));
        return argv;
    }

    private static List<String> bridge(String ns, String... args) {
        List<String> argv = new ArrayList<>(List.of("bridge", "-n", ns));
        argv.addAll(List.of(args));
        return argv;
    }

    /** Whether the changes, replayed on a new node batch by batch, still break the property. */
    private static boolean fails(List<Change> changes) throws Exception {
        return run(null, changes).mismatch().isPresent();
    }

    /** ddmin: the smallest subsequence (1-minimal) whose replay still fails. */
    static List<Change> shrink(List<Change> changes) throws Exception {
        List<Change> current = changes;
        int n = 2;
        while (current.size() >= 2) {
            int chunk = (int) Math.ceil(current.size() / (double) n);
            boolean reduced = false;
            for (int start = 0; start < current.size() && !reduced; start += chunk) {
                List<Change> complement = new ArrayList<>(current.subList(0, start));
                complement.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
                if (!complement.isEmpty() && fails(complement)) {
                    current = complement;
                    n = Math.max(n - 1, 2);
                    reduced = true;
                }
            }
            if (!reduced) {
                if (n >= current.size()) {
                    break;
                }
                n = Math.min(current.size(), n * 2);
            }
        }
        return current;
    }

    /** The records only one of the two states holds. */
    private static String difference(NodeState kept, NodeState fresh) {
        StringBuilder out = new StringBuilder();
        differ(out, "link", kept.links(), fresh.links());
        differ(out, "address", kept.addresses(), fresh.addresses());
        differ(out, "route", kept.routes(), fresh.routes());
        differ(out, "neighbor", kept.neighbors(), fresh.neighbors());
        differ(out, "fdb", kept.fdb(), fresh.fdb());
        differ(out, "rule", kept.rules(), fresh.rules());
        return out.toString();
    }

    private static <T> void differ(StringBuilder out, String what, List<T> kept, List<T> fresh) {
        kept.stream().filter(x -> !fresh.contains(x)).forEach(x -> out.append("  only kept ").append(what)
                .append(": ").append(x).append('\n'));
        fresh.stream().filter(x -> !kept.contains(x)).forEach(x -> out.append("  only fresh ").append(what)
                .append(": ").append(x).append('\n'));
    }
}
