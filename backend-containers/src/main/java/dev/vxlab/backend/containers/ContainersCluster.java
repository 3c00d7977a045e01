package dev.vxlab.backend.containers;

import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.ClusterBase;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.RemotePod;
import dev.vxlab.lab.flannel.FlannelControl;
import dev.vxlab.lab.pods.PackagedServersWorkload;
import dev.vxlab.lab.pods.PodWorkload;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A cluster of node containers. Closing it removes the containers and the underlay network, then lets the reaper go. */
final class ContainersCluster extends ClusterBase {
    private final ContainersClusterBuilder resources;
    private final Thread onExit;
    private boolean closed;

    ContainersCluster(ClusterSpec spec, LabRun run, BackendInfo info, List<Node> nodes, List<RemotePod> pods,
            FlannelControl flannel, ContainersClusterBuilder resources) {
        super(spec, run, info, nodes, pods, flannel);
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

    @Override
    public PodWorkload workload() {
        return new PackagedServersWorkload();
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
