package dev.vxlab.lab.doctor;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.agent.FindingChange;
import dev.vxlab.detectors.agent.ProbeLoop;
import dev.vxlab.detectors.agent.Watcher;
import dev.vxlab.detectors.netlink.NetlinkSource;
import dev.vxlab.detectors.netlink.NetlinkSubscription;
import dev.vxlab.detectors.advertised.AdvertisedViewException;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.advertised.NodeListReader;
import dev.vxlab.detectors.advertised.SubnetEnv;
import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.fix.FixPlanner;
import dev.vxlab.detectors.fix.FixStep;
import dev.vxlab.detectors.netns.NamespaceException;
import dev.vxlab.detectors.netns.NetnsExecutor;
import dev.vxlab.detectors.source.CommandRunner;
import dev.vxlab.detectors.source.IpJsonSource;
import dev.vxlab.detectors.source.NmFactsSource;
import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.source.SnapshotSource;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FlannelConfig;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.lab.LabException;
import dev.vxlab.detectors.remote.NamespaceRemote;
import dev.vxlab.lab.probe.Probe;
import dev.vxlab.lab.probe.ProbeOutcome;
import dev.vxlab.lab.probe.ProbeRequest;
import dev.vxlab.lab.probe.ProbeResult;
import dev.vxlab.lab.probe.ProbeSource;
import dev.vxlab.lab.probe.Prober;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.FileRoot;
import dev.vxlab.detectors.remote.LocalRemote;
import dev.vxlab.detectors.remote.NamespaceRemote;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.ProcessRunner;
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
    private final Remote shell;
    private final Path namespaceFile;
    private final Path nmConfig;
    private final Doctor doctor = Doctor.load();
    private final FixPlanner planner = FixPlanner.load();
    private NodeState previous;

    private NodeDoctor(String nodeName, ClusterView advertised, Optional<SubnetEnv> subnetEnv, SnapshotSource source,
            Remote shell, Path namespaceFile, Path nmConfig) {
        this.nodeName = nodeName;
        this.advertised = advertised;
        this.subnetEnv = subnetEnv;
        this.source = source;
        this.shell = shell;
        this.namespaceFile = namespaceFile;
        this.nmConfig = nmConfig;
    }

    /** Opens the doctor on the named namespace, or on this process's own one when {@code netns} is null. */
    public static NodeDoctor open(String netns, String nodeName, Path nodesFile, Path subnetEnvFile, Path nmConfig)
            throws LabException {
        ClusterView view = readNodes(nodesFile);
        if (view.byName(nodeName).isEmpty()) {
            throw new LabException("node '" + nodeName + "' is not in " + nodesFile + " (nodes there: "
                    + view.nodes().stream().limit(8).map(AdvertisedNode::name).toList() + ")");
        }
        Optional<SubnetEnv> env = readSubnetEnv(subnetEnvFile, netns == null);
        Path nsFile = netns == null ? Path.of("/proc/self/ns/net") : Path.of("/run/netns", netns);
        if (netns != null && !Files.exists(nsFile)) {
            throw new LabException("network namespace '" + netns + "' does not exist (no " + nsFile + ")");
        }
        CommandRunner runner = netns == null ? CommandRunner.local() : CommandRunner.netns(netns);
        Remote shell = netns == null ? LocalRemote.host(nodeName) : new NamespaceRemote(nodeName, netns, FileRoot.HOST);
        Path nsForNm = nsFile;
        NmFactsSource nm = NmFactsSource.fromConfigDirectory(nmConfig, () -> NetworkManagerProcess.runsIn(nsForNm));
        try {
            return new NodeDoctor(nodeName, view, env, IpJsonSource.of(runner, nm), shell, nsFile, nmConfig);
        } catch (SnapshotException e) {
            throw new LabException(e.getMessage(), e);
        }
    }

    private static ClusterView readNodes(Path file) throws LabException {
        try {
            return NodeListReader.read(Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new LabException("no such file: " + file + " (save it with: kubectl get nodes -o json > " + file + ")");
        } catch (IOException e) {
            throw new LabException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (AdvertisedViewException e) {
            throw new LabException(file + ": " + e.getMessage(), e);
        }
    }

    private static Optional<SubnetEnv> readSubnetEnv(Path file, boolean host) throws LabException {
        Path path = file != null ? file : host ? Path.of("/run/flannel/subnet.env") : null;
        if (path == null || (file == null && !Files.exists(path))) {
            return Optional.empty();
        }
        try {
            return Optional.of(SubnetEnv.parse(Files.readString(path)));
        } catch (IOException e) {
            throw new LabException("cannot read " + path + ": " + e.getMessage(), e);
        } catch (AdvertisedViewException e) {
            throw new LabException(path + ": " + e.getMessage(), e);
        }
    }

    /** One examination: the input the doctor saw and what it said. */
    public record Examined(DetectionInput input, Diagnosis diagnosis) {}

    public Examined examine() throws LabException {
        NodeState state;
        try {
            state = source.snapshot();
        } catch (SnapshotException e) {
            throw new LabException(e.getMessage(), e);
        }
        DetectionInput input = new DetectionInput(nodeName, state, Optional.ofNullable(previous), advertised, subnetEnv,
                FlannelConfig.DEFAULT);
        previous = state;
        return new Examined(input, doctor.examine(input));
    }

    public List<FixPlan> plan(Examined examined) {
        return planner.plan(examined.diagnosis(), examined.input());
    }

    /** The fix plans, never with a fix in {@code skipped} (`--skip-fix`). */
    public List<FixPlan> plan(Examined examined, Set<String> skipped) throws LabException {
        for (String id : skipped) {
            if (!planner.fixes().containsKey(id)) {
                throw new LabException("unknown fix '" + id + "' for --skip-fix (known: "
                        + String.join(", ", new java.util.TreeSet<>(planner.fixes().keySet())) + ")");
            }
        }
        return planner.plan(examined.diagnosis(), examined.input(), skipped);
    }

    /** Applies the plans on this node and returns what ran, as typed. */
    public List<String> apply(List<FixPlan> plans) throws LabException {
        List<String> done = new ArrayList<>();
        for (FixPlan plan : plans) {
            for (FixStep step : plan.steps()) {
                done.add(step.render(nodeName));
                CommandResult result = switch (step) {
                    case FixStep.Run run -> shell.run(run.argv());
                    case FixStep.RestartFlanneld restart ->
                            ProcessRunner.run(List.of("sh", "-c", restart.render(nodeName)), Duration.ofSeconds(60));
                    case FixStep.WriteFile write -> write(write);
                };
                if (!result.ok()) {
                    throw new LabException("fix " + plan.fix() + " failed at '" + step.render(nodeName) + "': "
                            + result.stderr().strip());
                }
            }
        }
        return done;
    }

    private CommandResult write(FixStep.WriteFile write) {
        Path target = onThisNode(write.path());
        try {
            Files.createDirectories(target.getParent());
            Files.writeString(target, write.content());
            return new CommandResult(List.of("write", target.toString()), 0, "", "");
        } catch (IOException e) {
            return new CommandResult(List.of("write", target.toString()), 1, "", e.toString());
        }
    }

    /** A fix's file under /etc/NetworkManager goes where --nm-config says NetworkManager's configuration lives. */
    Path onThisNode(String path) {
        String nmPrefix = DEFAULT_NM_CONFIG + "/";
        return path.startsWith(nmPrefix) ? nmConfig.resolve(path.substring(nmPrefix.length())) : Path.of(path);
    }

    /** Whether a fix worked: the doctor sees no traffic-impairing finding and every peer answers across VXLAN. */
    public record Verification(boolean healed, List<String> lines) {}

    public Verification verify() throws LabException {
        Examined again = examine();
        List<String> lines = new ArrayList<>();
        lines.add("doctor after the fix: " + (again.diagnosis().healthy() ? "healthy" : "still "
                + again.diagnosis().findings().stream().map(Finding::fault).distinct().toList()));
        List<ProbeResult> trips = roundTrips();
        long ok = trips.stream().filter(NodeDoctor::crossedVxlan).count();
        lines.add("VXLAN round trips to the peers' flannel.1 addresses: " + ok + "/" + trips.size());
        trips.stream().filter(t -> !crossedVxlan(t)).forEach(t -> lines.add("  no answer: " + t.summary()));
        return new Verification(again.diagnosis().healthy() && ok == trips.size(), lines);
    }

    /** A refused connection is an answer too: the SYN reached the peer and its RST came back through VXLAN. */
    private static boolean crossedVxlan(ProbeResult result) {
        return result.outcome() == ProbeOutcome.OK || result.outcome() == ProbeOutcome.REFUSED;
    }

    private List<ProbeResult> roundTrips() throws LabException {
        try (NetnsExecutor netns = NetnsExecutor.open(namespaceFile)) {
            ProbeSource from = new ProbeSource("node " + nodeName, netns);
            List<ProbeRequest> requests = advertised.nodes().stream().filter(n -> !n.name().equals(nodeName))
                    .map(n -> new ProbeRequest(from, new Probe.TcpConnect(n.podCidr().network(), ROUND_TRIP_PORT)))
                    .toList();
            return new Prober(Duration.ofSeconds(2)).runAll(requests);
        } catch (NamespaceException e) {
            throw new LabException(e.getMessage(), e);
        }
    }

    /**
     * Watches the node until interrupted: examines it again on every netlink change event in its namespace (through
     * the fast netlink source) and every {@code counterInterval} for the counters no event announces (otherhost
     * drops), and prints each finding that appears or clears with a timestamp.
     */
    public int watch(Duration counterInterval, PrintStream out) throws LabException {
        // NetworkManager's facts (files, /proc) are read again at the counter pace, not on every event.
        NmFactsSource nm = NmFactsSource.fromConfigDirectory(nmConfig, () -> NetworkManagerProcess.runsIn(namespaceFile))
                .cachedFor(counterInterval);
        try (NetlinkSource netlink = NetlinkSource.open(namespaceFile, nm);
             NetlinkSubscription changes = NetlinkSubscription.open(namespaceFile)) {
            ProbeLoop loop = new ProbeLoop(nodeName, netlink, doctor, advertised, subnetEnv, FlannelConfig.DEFAULT);
            Watcher watcher = new Watcher(loop, changes::next, counterInterval);
            out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " watching node " + nodeName
                    + " on every netlink change, counters every " + counterInterval.toMillis() + " ms (Ctrl-C to stop)");
            out.flush();
            watcher.run(pass -> {
                List<FindingChange> changed = pass.changes();
                if (!changed.isEmpty()) {
                    String time = LocalTime.ofInstant(pass.at(), ZoneId.systemDefault()).truncatedTo(ChronoUnit.MILLIS)
                            .toString();
                    changed.forEach(c -> out.println(time + " " + c.render()));
                    out.flush();
                }
            });
        } catch (SnapshotException e) {
            throw new LabException(e.getMessage(), e);
        }
        return 0;
    }
}
