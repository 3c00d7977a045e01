package dev.vxlab.lab.backend;

import dev.vxlab.lab.flannel.FlannelControl;
import dev.vxlab.lab.spec.ClusterSpec;
import java.util.List;
import java.util.Objects;

/**
 * What every backend's running cluster holds the same way: its spec, run, backend info, nodes, pods and flannel. A
 * backend adds its pod workload and how closing removes what it made.
 */
public abstract class ClusterBase implements Cluster {
    private final ClusterSpec spec;
    private final LabRun run;
    private final BackendInfo info;
    private final List<ClusterNode> nodes;
    private final List<ClusterPod> pods;
    private final FlannelControl flannel;

    protected ClusterBase(ClusterSpec spec, LabRun run, BackendInfo info, List<? extends ClusterNode> nodes,
            List<? extends ClusterPod> pods, FlannelControl flannel) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.run = Objects.requireNonNull(run, "run");
        this.info = Objects.requireNonNull(info, "info");
        this.nodes = List.copyOf(nodes);
        this.pods = List.copyOf(pods);
        this.flannel = Objects.requireNonNull(flannel, "flannel");
    }

    @Override
    public final ClusterSpec spec() {
        return spec;
    }

    @Override
    public final LabRun run() {
        return run;
    }

    @Override
    public final BackendInfo info() {
        return info;
    }

    @Override
    public final List<ClusterNode> nodes() {
        return nodes;
    }

    @Override
    public final List<ClusterPod> pods() {
        return pods;
    }

    @Override
    public final FlannelControl flannel() {
        return flannel;
    }
}
