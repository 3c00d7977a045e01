package dev.vxlab.nodedoctor;

import dev.vxlab.detectors.action.ActionException;
import dev.vxlab.detectors.action.Actuator;
import dev.vxlab.detectors.action.Applied;
import dev.vxlab.detectors.action.RealNode;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.AdvertisedViewException;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.advertised.NodeListReader;
import dev.vxlab.detectors.advertised.SubnetEnv;
import dev.vxlab.detectors.agent.ChangeFeed;
import dev.vxlab.detectors.agent.FindingChange;
import dev.vxlab.detectors.agent.ProbeLoop;
import dev.vxlab.detectors.agent.Rehearsal;
import dev.vxlab.detectors.agent.Watcher;
import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.fix.FixPlanner;
import dev.vxlab.detectors.netlink.NetlinkSource;
import dev.vxlab.detectors.netlink.NetlinkSubscription;
import dev.vxlab.detectors.remote.FileRoot;
import dev.vxlab.detectors.remote.LocalRemote;
import dev.vxlab.detectors.remote.NamespaceRemote;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.source.CommandRunner;
import dev.vxlab.detectors.source.IpJsonSource;
import dev.vxlab.detectors.source.NetworkManagerProcess;
import dev.vxlab.detectors.source.NmFactsSource;
import dev.vxlab.detectors.source.RemoteSources;
import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.source.SnapshotSource;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FlannelConfig;
import dev.vxlab.detectors.state.NodeState;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The doctor on a real node (or any named network namespace): what `vxlab doctor --host/--netns` runs. It reads the
 * node's dataplane, the cluster's NodeList and the node's subnet.env and NetworkManager configuration; it applies a
 * fix plan only when asked, and proves it by VXLAN round trips to every peer.
 */
public final class NodeDoctor {
    /** kubelet listens on every address; a SYN to a peer's flannel.1 address on it crosses VXLAN both ways. */
    static final int ROUND_TRIP_PORT = 10250;
    /** Where NetworkManager keeps its configuration on a real node; fixes name files under it. */
    public static final String DEFAULT_NM_CONFIG = "/etc/NetworkManager";

    private final String nodeName;
    private final ClusterView advertised;
    private final Optional<SubnetEnv> subnetEnv;
    private final SnapshotSource source;
    private final RealNode node;
    /** The node's shell: the packet filter is read through it ({@code nft -j list ruleset}). */
    private final Remote shell;
    /** Why the packet filter could not be read, said once per doctor (empty once said, or when it was read). */
    private Optional<String> firewallNote = Optional.empty();
    private boolean firewallNoted;
    private final Path namespaceFile;
    private final Path nmConfig;
    private final Doctor doctor = Doctor.load();
    private final FixPlanner planner = FixPlanner.load();
    private final Actuator actuator = new Actuator();
    private NodeState previous;

    private NodeDoctor(String nodeName, ClusterView advertised, Optional<SubnetEnv> subnetEnv, SnapshotSource source,
            Remote shell, Path namespaceFile, Path nmConfig) {
        // kubectl (the flanneld restart) runs where the doctor runs, with the user's kubeconfig.
        this.node = new RealNode(shell, LocalRemote.host("this machine"), this::onThisNode);
        this.shell = shell;
        this.nodeName = nodeName;
        this.advertised = advertised;
        this.subnetEnv = subnetEnv;
        this.source = source;
        this.namespaceFile = namespaceFile;
        this.nmConfig = nmConfig;
    }

    /** Opens the doctor on the named namespace, or on this process's own one when {@code netns} is null. */
    public static NodeDoctor open(String netns, String nodeName, Path nodesFile, Path subnetEnvFile, Path nmConfig)
            throws NodeDoctorException {
        ClusterView view = readNodes(nodesFile);
        if (view.byName(nodeName).isEmpty()) {
            throw new NodeDoctorException("node '" + nodeName + "' is not in " + nodesFile + " (nodes there: "
                    + view.nodes().stream().limit(8).map(AdvertisedNode::name).toList() + ")");
        }
        Optional<SubnetEnv> env = readSubnetEnv(subnetEnvFile, netns == null);
        Path nsFile = netns == null ? Path.of("/proc/self/ns/net") : Path.of("/run/netns", netns);
        if (netns != null && !Files.exists(nsFile)) {
            throw new NodeDoctorException("network namespace '" + netns + "' does not exist (no " + nsFile + ")");
        }
        CommandRunner runner = netns == null ? CommandRunner.local() : CommandRunner.netns(netns);
        Remote shell = netns == null ? LocalRemote.host(nodeName) : new NamespaceRemote(nodeName, netns, FileRoot.HOST);
        Path nsForNm = nsFile;
        // Which devices NetworkManager activated itself: nmcli on the node (the fix restarts it instead of reloading).
        NmFactsSource nm = NmFactsSource.fromConfigDirectory(nmConfig, () -> NetworkManagerProcess.runsIn(nsForNm))
                .withActivatedDevices(() -> shell);
        try {
            return new NodeDoctor(nodeName, view, env, IpJsonSource.of(runner, nm), shell, nsFile, nmConfig);
        } catch (SnapshotException e) {
            throw new NodeDoctorException(e.getMessage(), e);
        }
    }

    static ClusterView readNodes(Path file) throws NodeDoctorException {
        try {
            return NodeListReader.read(Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new NodeDoctorException("no such file: " + file + " (save it with: kubectl get nodes -o json > " + file + ")");
        } catch (IOException e) {
            throw new NodeDoctorException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (AdvertisedViewException e) {
            throw new NodeDoctorException(file + ": " + e.getMessage(), e);
        }
    }

    /** The node's subnet.env: the named file, else flannel's own path on the host when it exists, else none. */
    public static Optional<SubnetEnv> readSubnetEnv(Path file, boolean host) throws NodeDoctorException {
        Path path = file != null ? file : host ? Path.of("/run/flannel/subnet.env") : null;
        if (path == null || (file == null && !Files.exists(path))) {
            return Optional.empty();
        }
        try {
            return Optional.of(SubnetEnv.parse(Files.readString(path)));
        } catch (IOException e) {
            throw new NodeDoctorException("cannot read " + path + ": " + e.getMessage(), e);
        } catch (AdvertisedViewException e) {
            throw new NodeDoctorException(path + ": " + e.getMessage(), e);
        }
    }

    /** One examination: the input the doctor saw and what it said. */
    public record Examined(DetectionInput input, Diagnosis diagnosis) {}

    public Examined examine() throws NodeDoctorException {
        NodeState state;
        try {
            // udev's facts (machine id, .link files) from the node's files: whether udev gave flannel.1 its MAC.
            state = source.snapshot().withUdev(dev.vxlab.detectors.source.RemoteSources.udev(shell));
        } catch (SnapshotException e) {
            throw new NodeDoctorException(e.getMessage(), e);
        }
        RemoteSources.FirewallRead firewall = RemoteSources.readFirewall(shell);
        state = state.withFirewall(firewall.ruleset());
        if (firewall.notInspected().isPresent() && !firewallNoted) {
            firewallNote = firewall.notInspected();
            firewallNoted = true;
        }
        DetectionInput input = new DetectionInput(nodeName, state, Optional.ofNullable(previous), advertised, subnetEnv,
                FlannelConfig.DEFAULT);
        previous = state;
        return new Examined(input, doctor.examine(input));
    }

    /** Why the packet filter was not inspected, once: the first call after the examination that found it so. */
    public Optional<String> takeFirewallNote() {
        Optional<String> note = firewallNote;
        firewallNote = Optional.empty();
        return note;
    }

    public List<FixPlan> plan(Examined examined) {
        return planner.plan(examined.diagnosis(), examined.input());
    }

    /** The fix plans, never with a fix in {@code skipped} (`--skip-fix`). */
    public List<FixPlan> plan(Examined examined, Set<String> skipped) throws NodeDoctorException {
        for (String id : skipped) {
            if (!planner.fixes().containsKey(id)) {
                throw new NodeDoctorException("unknown fix '" + id + "' for --skip-fix (known: "
                        + String.join(", ", new java.util.TreeSet<>(planner.fixes().keySet())) + ")");
            }
        }
        return planner.plan(examined.diagnosis(), examined.input(), skipped);
    }

    /** Applies the plans on this node and returns what ran, as typed. */
    public List<String> apply(List<FixPlan> plans) throws NodeDoctorException {
        List<String> done = new ArrayList<>();
        for (FixPlan plan : plans) {
            try {
                actuator.apply(node, plan.steps()).stream().map(Applied::commandLine).forEach(done::add);
            } catch (ActionException e) {
                throw new NodeDoctorException("fix " + plan.fix() + " failed: " + e.getMessage(), e);
            }
        }
        return done;
    }

    /**
     * Where fixes act on a real node (the agent's too): this machine when {@code netns} is null, else the named
     * namespace; a flanneld restart runs kubectl here; NetworkManager's files go under {@code nmConfig}.
     */
    public static RealNode realNode(String netns, String nodeName, Path nmConfig) {
        Remote shell = netns == null ? LocalRemote.host(nodeName) : new NamespaceRemote(nodeName, netns, FileRoot.HOST);
        String nmPrefix = DEFAULT_NM_CONFIG + "/";
        return new RealNode(shell, LocalRemote.host("this machine"), path -> path.startsWith(nmPrefix)
                ? nmConfig.toAbsolutePath().resolve(path.substring(nmPrefix.length())).toString() : path);
    }

    /** A fix's file under /etc/NetworkManager goes where --nm-config says NetworkManager's configuration lives. */
    String onThisNode(String path) {
        String nmPrefix = DEFAULT_NM_CONFIG + "/";
        return path.startsWith(nmPrefix)
                ? nmConfig.toAbsolutePath().resolve(path.substring(nmPrefix.length())).toString()
                : path;
    }

    /** Whether a fix worked: the doctor sees no traffic-impairing finding and every peer answers across VXLAN. */
    public record Verification(boolean healed, List<String> lines) {}

    public Verification verify() throws NodeDoctorException {
        Examined again = examine();
        List<String> lines = new ArrayList<>();
        lines.add("doctor after the fix: " + (again.diagnosis().healthy() ? "healthy" : "still "
                + again.diagnosis().findings().stream().map(Finding::fault).distinct().toList()));
        List<AdvertisedNode> peers = advertised.nodes().stream().filter(n -> !n.name().equals(nodeName)).toList();
        List<RoundTrip> trips = RoundTrips.to(namespaceFile, peers, ROUND_TRIP_PORT, Duration.ofSeconds(2));
        long ok = trips.stream().filter(RoundTrip::crossedVxlan).count();
        lines.add("VXLAN round trips to the peers' flannel.1 addresses: " + ok + "/" + trips.size());
        trips.stream().filter(t -> !t.crossedVxlan()).forEach(t -> lines.add("  no answer: " + t.summary()));
        return new Verification(again.diagnosis().healthy() && ok == trips.size(), lines);
    }

    /**
     * Watches the node until interrupted: examines it again on every netlink change event in its namespace (through
     * the fast netlink source) and every {@code counterInterval} for the counters no event announces (otherhost
     * drops), and prints each finding that appears or clears with a timestamp.
     */
    public int watch(Duration counterInterval, PrintStream out) throws NodeDoctorException {
        watch(namespaceFile, nodeName, () -> advertised, subnetEnv, nmConfig, counterInterval, watcher -> {
            out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " watching node " + nodeName
                    + " on every netlink change, counters every " + counterInterval.toMillis() + " ms (Ctrl-C to stop)");
            out.flush();
        }, pass -> {
            List<FindingChange> changed = pass.changes();
            if (!changed.isEmpty()) {
                String time = LocalTime.ofInstant(pass.at(), ZoneId.systemDefault()).truncatedTo(ChronoUnit.MILLIS)
                        .toString();
                changed.forEach(c -> out.println(time + " " + c.render()));
                out.flush();
            }
        }, source -> source, 0);
        return 0;
    }

    /** How often a watch walks /proc for a NetworkManager while none runs (a walk costs ~1 ms per 100 processes). */
    static final Duration NM_WALK_INTERVAL = Duration.ofMinutes(1);

    /**
     * The watch loop of any node's namespace, shared by {@code --watch} and the agent: the fast netlink source and the
     * namespace's rtnetlink notifications feed a {@link Watcher} that runs until interrupted or stopped.
     *
     * @param namespaceFile the namespace to watch, or null for the calling thread's own (no capability needed)
     * @param advertised read once per pass (a fixed NodeList file, or the agent's informer)
     * @param started    receives the watcher before its first pass (to stop it from another thread)
     * @param decorate   wraps the snapshot source (the agent times each snapshot); identity for none
     * @param warmUpPasses passes of a throwaway loop over the same source before watching (a {@link Rehearsal}, with
     *                   made-up faults), so the JIT compiles the loop, its fault paths included, now instead of over
     *                   the first hour at one pass per timer tick or at the first fault; 0 for none
     */
    public static void watch(Path namespaceFile, String nodeName, java.util.function.Supplier<ClusterView> advertised,
            Optional<SubnetEnv> subnetEnv, Path nmConfig, Duration counterInterval,
            java.util.function.Consumer<Watcher> started, Watcher.Listener listener,
            java.util.function.UnaryOperator<SnapshotSource> decorate, int warmUpPasses) throws NodeDoctorException {
        // NetworkManager's facts (files, /proc) are read again at the counter pace, not on every event.
        Path nsForNm = namespaceFile == null ? Path.of("/proc/self/ns/net") : namespaceFile;
        // The process is looked for again cheaply (the one found last), /proc walked at most once a minute.
        NmFactsSource nm = NmFactsSource.fromConfigDirectory(nmConfig,
                NetworkManagerProcess.finder(nsForNm, NM_WALK_INTERVAL)).cachedFor(counterInterval);
        // null: the process's own namespace, without setns(2), which would need CAP_SYS_ADMIN (the agent has none)
        try (NetlinkSource netlink = namespaceFile == null ? NetlinkSource.openCurrentNamespace(nm)
                : NetlinkSource.open(namespaceFile, nm);
             NetlinkSubscription changes = namespaceFile == null ? NetlinkSubscription.openCurrentNamespace()
                     : NetlinkSubscription.open(namespaceFile)) {
            Doctor doctor = Doctor.load();
            ProbeLoop warmUp = new ProbeLoop(nodeName, netlink, doctor, advertised, subnetEnv, FlannelConfig.DEFAULT);
            Rehearsal.run(warmUp, warmUpPasses);
            ProbeLoop loop = new ProbeLoop(nodeName, decorate.apply(netlink), doctor, advertised, subnetEnv,
                    FlannelConfig.DEFAULT);
            Watcher watcher = new Watcher(loop, ChangeFeed.of(changes), counterInterval);
            started.accept(watcher);
            watcher.run(listener);
        } catch (SnapshotException e) {
            throw new NodeDoctorException(e.getMessage(), e);
        }
    }
}
