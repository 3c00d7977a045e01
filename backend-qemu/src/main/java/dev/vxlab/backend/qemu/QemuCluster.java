package dev.vxlab.backend.qemu;

import dev.vxlab.detectors.remote.ProcessRunner;
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
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A cluster of arm64 VMs. Closing it stops every VM by its PID and deletes the fabric namespace with its taps. */
final class QemuCluster implements Cluster {
    private final ClusterSpec spec;
    private final LabRun run;
    private final BackendInfo info;
    private final QemuNames names;
    private final List<Node> nodes;
    private final List<Pod> pods;
    private final FlannelControl flannel;
    private final List<QemuVm> vms;
    private boolean closed;

    QemuCluster(ClusterSpec spec, LabRun run, BackendInfo info, QemuNames names, List<Node> nodes, List<Pod> pods,
            FlannelControl flannel, List<QemuVm> vms) {
        this.spec = spec;
        this.run = run;
        this.info = info;
        this.names = names;
        this.nodes = List.copyOf(nodes);
        this.pods = List.copyOf(pods);
        this.flannel = flannel;
        this.vms = List.copyOf(vms);
    }

    record Node(NodePlan plan, QemuNodeRemote remote, QemuVm vm) implements ClusterNode {
        @Override
        public Optional<Path> netnsFastPath() {
            return Optional.empty();
        }

        @Override
        public String accessHint() {
            return "arm64 VM (qemu PID " + vm.pid() + "), serial console in " + vm.consoleLog();
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
        return new QemuPodWorkload();
    }

    @Override
    public FlannelControl flannel() {
        return flannel;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAll(vms);
        ProcessRunner.run(List.of("ip", "netns", "del", names.fabric()), Duration.ofSeconds(10));
        GuestImage.deleteTree(names.socketDirectory());
    }

    static void stopAll(List<QemuVm> vms) {
        vms.parallelStream().forEach(QemuVm::close);
    }
}
