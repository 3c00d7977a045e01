package dev.vxlab.backend.containers;

import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.Cluster;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.ClusterPod;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.flannel.FlannelControl;
import dev.vxlab.lab.pods.PodWorkload;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import dev.vxlab.lab.spec.PodPlan;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A cluster of node containers. Closing it removes the containers and the underlay network, then lets the reaper go. */
final class ContainersCluster implements Cluster {
    private final ClusterSpec spec;
    private final LabRun run;
    private final BackendInfo info;
    private final List<Node> nodes;
    private final List<Pod> pods;
    private final FlannelControl flannel;
    private final ContainersClusterBuilder resources;
    private final Thread onExit;
    private boolean closed;

    ContainersCluster(ClusterSpec spec, LabRun run, BackendInfo info, List<Node> nodes, List<Pod> pods,
            FlannelControl flannel, ContainersClusterBuilder resources) {
        this.spec = spec;
        this.run = run;
        this.info = info;
        this.nodes = List.copyOf(nodes);
        this.pods = List.copyOf(pods);
        this.flannel = flannel;
        this.resources = resources;
        // ^C or a normal exit without close(): remove what this run made now (the reaper would, a moment later).
        this.onExit = new Thread(this::removeEverything, run.prefix() + "-containers-exit");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    record Node(NodePlan plan, ContainerRemote remote, String container) implements ClusterNode {
        @Override
        public Optional<Path> netnsFastPath() {
            return Optional.empty();
        }

        @Override
        public String accessHint() {
            return "node container " + container + " (docker exec -it " + container + " bash)";
        }
    }

    record Pod(PodPlan plan, Remote remote) implements ClusterPod {
        @Override
        public Optional<Path> netnsFastPath() {
            return Optional.empty();
        }
    }

    @Override
    public ClusterSpec spec() {
        return spec;
    }

    @Override
    public LabRun run() {
        return run;
    }

    @Override
    public BackendInfo info() {
        return info;
    }

    @Override
    public List<ClusterNode> nodes() {
        return List.copyOf(nodes);
    }

    @Override
    public List<ClusterPod> pods() {
        return List.copyOf(pods);
    }

    @Override
    public PodWorkload workload() {
        return new ContainersPodWorkload();
    }

    @Override
    public FlannelControl flannel() {
        return flannel;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to
        }
        removeEverything();
    }

    private synchronized void removeEverything() {
        if (closed) {
            return;
        }
        closed = true;
        resources.removeEverything();
    }
}
