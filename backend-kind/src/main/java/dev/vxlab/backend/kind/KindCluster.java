package dev.vxlab.backend.kind;

import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.ClusterBase;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.RemotePod;
import dev.vxlab.lab.flannel.FlannelControl;
import dev.vxlab.lab.pods.PodWorkload;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A kind cluster as the lab sees it. Its {@link #spec()} is the cluster kind and flannel really made (node names,
 * InternalIPs, leases and VtepMACs from the NodeList, pod IPs from the API), not the plan it was asked for. Closing
 * it deletes the kind cluster (the owner's cleanup also runs from a shutdown hook on interrupt).
 */
final class KindCluster extends ClusterBase {
    private final KindClusterBuilder.Owner owner;

    KindCluster(ClusterSpec spec, LabRun run, BackendInfo info, List<Node> nodes, List<RemotePod> pods,
            FlannelControl flannel, KindClusterBuilder.Owner owner) {
        super(spec, run, info, nodes, pods, flannel);
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

    @Override
    public PodWorkload workload() {
        return new KindWorkload();
    }

    @Override
    public void close() {
        owner.delete();
    }
}
