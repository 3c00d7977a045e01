package dev.vxlab.backend.kind;

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

/**
 * A kind cluster as the lab sees it. Its {@link #spec()} is the cluster kind and flannel really made (node names,
 * InternalIPs, leases and VtepMACs from the NodeList, pod IPs from the API), not the plan it was asked for. Closing
 * it deletes the kind cluster (the owner's cleanup also runs from a shutdown hook on interrupt).
 */
final class KindCluster implements Cluster {
    private final ClusterSpec spec;
    private final LabRun run;
    private final BackendInfo info;
    private final List<Node> nodes;
    private final List<Pod> pods;
    private final FlannelControl flannel;
    private final KindClusterBuilder.Owner owner;

    KindCluster(ClusterSpec spec, LabRun run, BackendInfo info, List<Node> nodes, List<Pod> pods,
            FlannelControl flannel, KindClusterBuilder.Owner owner) {
        this.spec = spec;
        this.run = run;
        this.info = info;
        this.nodes = List.copyOf(nodes);
        this.pods = List.copyOf(pods);
        this.flannel = flannel;
        this.owner = owner;
    }

    record Node(NodePlan plan, KindNodeRemote remote) implements ClusterNode {
        @Override
        public Optional<Path> netnsFastPath() {
            return Optional.empty();
        }

        @Override
        public String accessHint() {
            return "docker exec -it " + remote.container() + " bash";
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
        return new KindWorkload();
    }

    @Override
    public FlannelControl flannel() {
        return flannel;
    }

    @Override
    public void close() {
        owner.delete();
    }
}
