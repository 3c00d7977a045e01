package dev.vxlab.lab.doctor;

import dev.vxlab.detectors.advertised.AdvertisedViewException;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.advertised.NodeListReader;
import dev.vxlab.detectors.advertised.SubnetEnv;
import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.fix.FixPlanner;
import dev.vxlab.detectors.fix.FixStep;
import dev.vxlab.detectors.model.DataplaneModel;
import dev.vxlab.detectors.model.PodAttachment;
import dev.vxlab.detectors.netlink.NetlinkSource;
import dev.vxlab.detectors.source.NmFactsSource;
import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FlannelConfig;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.ClusterPod;
import dev.vxlab.lab.shell.CommandFailedException;
import dev.vxlab.lab.shell.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    private final Map<String, NodeState> previous = new LinkedHashMap<>();
    /** One netlink socket per namespace, opened on first use and kept: the fast path. */
    private final Map<Path, NetlinkSource> sources = new LinkedHashMap<>();

    public LabDoctor(Lab lab) {
        this.lab = lab;
        this.doctor = Doctor.load();
        this.planner = FixPlanner.load();
    }

    /** Where a lab node keeps the files a real node has under / (subnet.env, NetworkManager's configuration). */
    public Path nodeRoot(String node) {
        return lab.cluster().run().directory().resolve("nodes").resolve(node);
    }

    public FlannelConfig flannelConfig() {
        var spec = lab.spec();
        return new FlannelConfig(spec.vni(), spec.vxlanPort(), spec.vtepDevice(), "cni0");
    }

    public NodeState snapshot(ClusterNode node) throws LabException {
        Path netns = node.netnsFile().orElseThrow(() -> new LabException("node " + node.name()
                + "'s namespace cannot be reached from here"));
        NmFactsSource nm = NmFactsSource.fromConfigDirectory(nodeRoot(node.name()).resolve("etc/NetworkManager"),
                () -> NetworkManagerProcess.runsIn(netns));
        return snapshot(netns, nm, node.name());
    }

    private NodeState snapshot(Path netns, NmFactsSource nm, String label) throws LabException {
        try {
            NetlinkSource source = sources.get(netns);
            if (source == null) {
                source = NetlinkSource.open(netns, nm);
                sources.put(netns, source);
            }
            return source.snapshot();
        } catch (SnapshotException e) {
            throw new LabException("cannot snapshot " + label + ": " + e.getMessage(), e);
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
            Path netns = pod.netnsFile().orElseThrow(() -> new LabException("pod " + pod.plan().label()
                    + "'s namespace cannot be reached from here"));
            pods.put(pod.plan().label(), snapshot(netns, NmFactsSource.NOT_INSPECTED, "pod " + pod.plan().label()));
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
            Path file = lab.flannel().subnetEnvFile(node.name());
            env = Files.exists(file) ? Optional.of(SubnetEnv.parse(Files.readString(file))) : Optional.empty();
        } catch (IOException | AdvertisedViewException e) {
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

    /** Applies the plans' steps on their nodes, in order; returns what ran, as typed on the node. */
    public List<String> apply(List<FixPlan> plans) throws LabException {
        List<String> done = new ArrayList<>();
        for (FixPlan plan : plans) {
            ClusterNode node = lab.cluster().node(plan.node());
            for (FixStep step : plan.steps()) {
                done.add(node.name() + ": " + step.render(node.name()));
                switch (step) {
                    case FixStep.Run run -> {
                        try {
                            CommandResult ignored = node.shell().run(run.argv()).orThrow();
                        } catch (CommandFailedException e) {
                            throw new LabException("fix " + plan.fix() + " on node " + node.name() + " failed: "
                                    + e.getMessage(), e);
                        }
                    }
                    case FixStep.RestartFlanneld restart -> lab.restartFlanneld(node.name());
                    case FixStep.WriteFile write -> writeOnNode(node.name(), write);
                }
            }
        }
        return done;
    }

    @Override
    public void close() {
        sources.values().forEach(NetlinkSource::close);
        sources.clear();
    }

    private void writeOnNode(String node, FixStep.WriteFile write) throws LabException {
        Path target = nodeRoot(node).resolve(write.path().substring(1));
        try {
            Files.createDirectories(target.getParent());
            Files.writeString(target, write.content());
        } catch (IOException e) {
            throw new LabException("cannot write " + write.path() + " on node " + node + ": " + e.getMessage(), e);
        }
    }
}
