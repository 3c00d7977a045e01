package dev.vxlab.lab.doctor;

import dev.vxlab.detectors.advertised.AdvertisedViewException;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.advertised.NodeListReader;
import dev.vxlab.detectors.advertised.SubnetEnv;
import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.fix.FixPlanner;
import dev.vxlab.detectors.action.ActionException;
import dev.vxlab.detectors.action.Actuator;
import dev.vxlab.detectors.action.NodeHandle;
import dev.vxlab.detectors.model.DataplaneModel;
import dev.vxlab.detectors.model.PodAttachment;
import dev.vxlab.detectors.netlink.NetlinkSource;
import dev.vxlab.detectors.source.NetworkManagerProcess;
import dev.vxlab.detectors.source.NmFactsSource;
import dev.vxlab.detectors.source.RemoteSources;
import dev.vxlab.detectors.source.SnapshotSource;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.RemoteException;
import dev.vxlab.lab.flannel.FlannelControl;
import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FlannelConfig;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.LabException;
import dev.vxlab.detectors.firewall.Ruleset;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.ClusterPod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The doctor pointed at a lab: it reads every node the way it reads a real one (a snapshot of the node's namespace,
 * the published NodeList, the node's subnet.env and NetworkManager configuration), and applies fix plans through the
 * lab (node shells, the flanneld restart, the node's private files).
 */
public final class LabDoctor implements AutoCloseable {
    private final Lab lab;
    private final Doctor doctor;
    private final FixPlanner planner;
    private final Actuator actuator = new Actuator();
    private final Map<String, NodeState> previous = new LinkedHashMap<>();
    /** One snapshot source per node or pod, opened on first use and kept (a netlink socket on the fast path). */
    private final Map<String, SnapshotSource> sources = new LinkedHashMap<>();

    public LabDoctor(Lab lab) {
        this.lab = lab;
        this.doctor = Doctor.load();
        this.planner = FixPlanner.load();
    }

    /** Where NetworkManager keeps its configuration on a node; fixes write their drop-ins under it. */
    public static final String NM_CONFIG = "/etc/NetworkManager";
    /**
     * How long a probe may take when traffic proves a fix. Longer than the kernel's ARP retransmit time (1 s): a fix
     * that re-attaches a pod's veth or restores an address finds neighbors INCOMPLETE from the broken phase, and their
     * next ARP request may be up to a second away (the kernel tier saw an 800 ms probe lose that race).
     */
    public static final Duration VERIFY_TIMEOUT = Duration.ofMillis(1500);

    public FlannelConfig flannelConfig() {
        var spec = lab.spec();
        return new FlannelConfig(spec.vni(), spec.vxlanPort(), spec.vtepDevice(), "cni0");
    }

    /**
     * The node as the doctor sees it: through netlink on the fast path, else {@code ip -j} over the node's remote
     * (one source per node, opened on first use and kept).
     */
    public NodeState snapshot(ClusterNode node) throws LabException {
        Optional<Path> netns = node.netnsFastPath();
        // nmcli (which devices NetworkManager activated) goes through the lab's remote: into the node's confinement
        // where it runs the real daemon.
        NmFactsSource nm = netns.isPresent()
                ? NmFactsSource.fromConfigDirectory(nodeFile(node, NM_CONFIG), () -> NetworkManagerProcess.runsIn(netns.get()))
                        .withActivatedDevices(() -> labRemote(node))
                : RemoteSources.networkManager(node.remote(), NM_CONFIG, () -> labRemote(node));
        return snapshot("node " + node.name(), netns, node.remote(), nm).withFirewall(firewall(node))
                .withUdev(RemoteSources.udev(node.remote()));
    }

    private Remote labRemote(ClusterNode node) {
        try {
            return lab.remote(node.name());
        } catch (LabException e) {
            return node.remote();
        }
    }

    /** Why a node's packet filter could not be read, once per node: {@link #takeFirewallNotes} hands them out. */
    private final Map<String, String> firewallNotes = new LinkedHashMap<>();
    private final java.util.Set<String> firewallNoted = new java.util.HashSet<>();

    /** The sentences about packet filters that could not be read since the last call (each node's once per doctor). */
    public List<String> takeFirewallNotes() {
        List<String> notes = List.copyOf(firewallNotes.values());
        firewallNotes.clear();
        return notes;
    }

    /**
     * The node's packet filter through its remote ({@link RemoteSources#firewall}), beside the dataplane snapshot: the
     * firewall detector and the model ask it what happens to flannel's packets. Not inspected where nft is missing.
     */
    private Ruleset firewall(ClusterNode node) {
        RemoteSources.FirewallRead read = RemoteSources.readFirewall(node.remote());
        read.notInspected().filter(why -> firewallNoted.add(node.name()))
                .ifPresent(why -> firewallNotes.put(node.name(), why));
        return read.ruleset();
    }

    private NodeState snapshot(String label, Optional<Path> netns, Remote remote, NmFactsSource nm)
            throws LabException {
        try {
            SnapshotSource source = sources.get(label);
            if (source == null) {
                source = netns.isPresent() ? NetlinkSource.open(netns.get(), nm) : RemoteSources.snapshots(remote, nm);
                sources.put(label, source);
            }
            return source.snapshot();
        } catch (SnapshotException e) {
            throw new LabException("cannot snapshot " + label + ": " + e.getMessage(), e);
        }
    }

    /** The host path of a node file, for the fast path's file readers (a netns node's / is a directory here). */
    private static Path nodeFile(ClusterNode node, String nodePath) throws LabException {
        try {
            return Path.of(node.remote().processPath(nodePath));
        } catch (RemoteException e) {
            throw new LabException(e.getMessage(), e);
        }
    }

    /** Snapshots every node and pod and builds the dataplane model of the whole cluster (for traces). */
    public DataplaneModel model() throws LabException {
        Map<String, NodeState> nodes = new LinkedHashMap<>();
        for (ClusterNode node : lab.cluster().nodes()) {
            nodes.put(node.name(), snapshot(node));
        }
        Map<String, NodeState> pods = new LinkedHashMap<>();
        List<PodAttachment> attachments = new ArrayList<>();
        for (ClusterPod pod : lab.cluster().pods()) {
            pods.put(pod.plan().label(), snapshot("pod " + pod.plan().label(), pod.netnsFastPath(), pod.remote(),
                    NmFactsSource.NOT_INSPECTED));
            attachments.add(new PodAttachment(pod.plan().label(), pod.plan().node(), pod.plan().hostVeth()));
        }
        return DataplaneModel.of(nodes, pods, attachments);
    }

    /** What flannel published, read back from the lab's nodes.json exactly as from a real cluster. */
    public ClusterView advertised() throws LabException {
        Path file = lab.flannel().nodeListFile();
        try {
            return NodeListReader.read(Files.readString(file));
        } catch (IOException | AdvertisedViewException e) {
            throw new LabException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public DetectionInput input(ClusterNode node, NodeState state, ClusterView advertised) throws LabException {
        Optional<SubnetEnv> env;
        try {
            Optional<String> text = node.remote().getText(FlannelControl.SUBNET_ENV);
            env = text.isPresent() ? Optional.of(SubnetEnv.parse(text.get())) : Optional.empty();
        } catch (RemoteException | AdvertisedViewException e) {
            throw new LabException("cannot read node " + node.name() + "'s subnet.env: " + e.getMessage(), e);
        }
        return new DetectionInput(node.name(), state, Optional.ofNullable(previous.get(node.name())), advertised, env,
                flannelConfig());
    }

    /** Examines every node; each node's snapshot becomes the "previous" of the next examination (counter rates). */
    public Map<String, Examined> examine() throws LabException {
        ClusterView advertised = advertised();
        Map<String, Examined> out = new LinkedHashMap<>();
        for (ClusterNode node : lab.cluster().nodes()) {
            NodeState state = snapshot(node);
            DetectionInput input = input(node, state, advertised);
            out.put(node.name(), new Examined(input, doctor.examine(input)));
            previous.put(node.name(), state);
        }
        return out;
    }

    /** One node's examination: what the doctor saw and what it said. */
    public record Examined(DetectionInput input, Diagnosis diagnosis) {}

    public List<FixPlan> plan(Examined examined) {
        return planner.plan(examined.diagnosis(), examined.input());
    }

    /** Applies the plans' steps on their nodes through the lab's actuator, in order; returns what ran, as typed. */
    public List<String> apply(List<FixPlan> plans) throws LabException {
        List<String> done = new ArrayList<>();
        for (FixPlan plan : plans) {
            NodeHandle node = lab.handle(plan.node());
            try {
                actuator.apply(node, plan.steps()).forEach(a -> done.add(a.node() + ": " + a.commandLine()));
            } catch (ActionException e) {
                throw new LabException("fix " + plan.fix() + " on node " + node.name() + " failed: " + e.getMessage(), e);
            }
        }
        return done;
    }

    @Override
    public void close() {
        sources.values().forEach(source -> {
            if (source instanceof NetlinkSource netlink) {
                netlink.close();
            }
        });
        sources.clear();
    }
}
