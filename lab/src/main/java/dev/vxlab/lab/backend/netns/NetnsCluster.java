package dev.vxlab.lab.backend.netns;

import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.ClusterBase;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.ClusterPod;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.flannel.FlannelControl;
import dev.vxlab.lab.pods.PodWorkload;
import dev.vxlab.lab.pods.ProcessWorkload;
import dev.vxlab.detectors.remote.NamespaceRemote;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.ProcessRunner;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import dev.vxlab.lab.spec.PodPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** A cluster of network namespaces. Closing it deletes them all (and the kernel frees their devices). */
public final class NetnsCluster extends ClusterBase {
    private final NetnsNames names;
    private final List<String> namespaces;
    private final List<BuildPhase> buildPhases;
    private boolean closed;

    NetnsCluster(ClusterSpec spec, LabRun run, BackendInfo info, NetnsNames names, List<Node> nodes, List<Pod> pods,
            FlannelControl flannel, List<String> namespaces, List<BuildPhase> buildPhases) {
        super(spec, run, info, nodes, pods, flannel);
        this.names = names;
        this.namespaces = List.copyOf(namespaces);
        this.buildPhases = List.copyOf(buildPhases);
    }

    /** How long each phase of building took; empty for a cluster this process attached to. */
    public List<BuildPhase> buildPhases() {
        return buildPhases;
    }

    /** A node; {@code fastPath} says whether the lab enters its namespace from this JVM. */
    record Node(NodePlan plan, NamespaceRemote remote, boolean fastPath) implements ClusterNode {
        @Override
        public Optional<Path> netnsFastPath() {
            return fastPath ? Optional.of(Path.of("/run/netns", remote.namespace())) : Optional.empty();
        }

        @Override
        public String accessHint() {
            return "ip netns exec " + remote.namespace() + " bash";
        }
    }

    record Pod(PodPlan plan, NamespaceRemote remote, boolean fastPath) implements ClusterPod {
        @Override
        public Optional<Path> netnsFastPath() {
            return fastPath ? Optional.of(Path.of("/run/netns", remote.namespace())) : Optional.empty();
        }
    }

    /** The fabric namespace, where the underlay bridge lives (for captures on the wire between nodes). */
    public Remote fabricRemote() {
        return names.fabricRemote(run());
    }

    /** Without the fast path, each pod's servers run as a process of their own in the pod's namespace. */
    @Override
    public PodWorkload workload() {
        return new ProcessWorkload(run());
    }

    public List<String> namespaces() {
        return namespaces;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            deleteNamespaces(namespaces);
        }
    }

    /**
     * Deletes the namespaces in reverse order (pods first) with one {@code ip -batch -force}, which goes on past a name
     * that is already gone; the kernel frees their devices.
     */
    static void deleteNamespaces(List<String> namespaces) {
        if (namespaces.isEmpty()) {
            return;
        }
        List<String> reversed = new ArrayList<>(namespaces);
        Collections.reverse(reversed);
        StringBuilder script = new StringBuilder();
        for (String ns : reversed) {
            script.append("netns del ").append(ns).append('\n');
        }
        ProcessRunner.run(List.of("ip", "-force", "-batch", "-"), script.toString(), Duration.ofMinutes(2));
    }
}
