package dev.vxlab.backend.qemu;

import dev.vxlab.detectors.remote.ProcessRunner;
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
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A cluster of arm64 VMs. Closing it stops every VM by its PID and deletes the fabric namespace with its taps. */
final class QemuCluster extends ClusterBase {
    private final QemuNames names;
    private final List<QemuVm> vms;
    private boolean closed;

    QemuCluster(ClusterSpec spec, LabRun run, BackendInfo info, QemuNames names, List<Node> nodes,
            List<RemotePod> pods, FlannelControl flannel, List<QemuVm> vms) {
        super(spec, run, info, nodes, pods, flannel);
        this.names = names;
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

    @Override
    public PodWorkload workload() {
        return new PackagedServersWorkload();
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
