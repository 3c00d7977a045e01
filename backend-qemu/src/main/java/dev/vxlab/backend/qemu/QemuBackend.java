package dev.vxlab.backend.qemu;

import dev.vxlab.detectors.remote.ProcessRunner;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.Capability;
import dev.vxlab.lab.backend.Cluster;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.sandbox.Sandbox;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * arm64 nodes: one qemu-system-aarch64 VM (TCG) per node, booted from Debian's arm64 kernel and packages and reached
 * through the real QEMU guest agent. The VMs and their L2 (taps on a bridge) live in a namespace of the vxlab
 * sandbox, so nothing touches this machine's network; pods are network namespaces inside the guests. There is no
 * fast path: the doctor, probes and captures go through the nodes' remotes.
 */
public final class QemuBackend implements ClusterBackend {
    public static final String NAME = "qemu";
    static final String ARCHITECTURE = "aarch64";

    @Override
    public String name() {
        return NAME;
    }

    /** Three VMs: every field symptom needs only two nodes and a third peer, and each VM is a TCG-emulated CPU. */
    @Override
    public int defaultNodes() {
        return 3;
    }

    /** Outside the sandbox (where the network is): build the image if needed, then run the CLI inside. */
    @Override
    public Optional<Integer> enter(List<String> cliArguments) throws LabException {
        if (Sandbox.inside()) {
            return Optional.empty();
        }
        Optional<String> missing = QemuTools.qemuMissing();
        if (missing.isPresent()) {
            throw new LabException(missing.get());
        }
        new GuestImage(GuestImage.defaultCache(), System.err::println).ensure();
        return Optional.of(Sandbox.runInside(cliArguments));
    }

    @Override
    public BackendInfo info() throws LabException {
        Optional<String> missing = QemuTools.qemuMissing();
        if (missing.isPresent()) {
            throw new LabException(missing.get());
        }
        if (!Sandbox.inside()) {
            throw new LabException("the qemu backend runs only inside the vxlab sandbox; start the lab through ./vxlab");
        }
        image();
        EnumSet<Capability> can = EnumSet.of(Capability.PACKET_CAPTURE); // root in the guest: tcpdump always works
        if (Sandbox.mode().startsWith("rootless")) {
            can.add(Capability.ROOTLESS);
        }
        return new BackendInfo(NAME, can, ARCHITECTURE);
    }

    static GuestImage.Built image() throws LabException {
        return new GuestImage(GuestImage.defaultCache(), s -> {}).current().orElseThrow(() -> new LabException(
                "the arm64 node image is not built yet; vxlab builds it outside the sandbox (it needs the network) when a command "
                        + "enters the qemu backend (vxlab run --backend qemu FILE), and the Maven build's node-image step "
                        + "builds it too"));
    }

    @Override
    public Cluster create(ClusterSpec spec, LabRun run, LabOptions options) throws LabException {
        QemuClusterBuilder builder = new QemuClusterBuilder(spec, run, info(), image());
        try {
            return builder.build();
        } catch (LabException | RuntimeException e) {
            builder.removeEverything();
            throw e;
        }
    }

    @Override
    public Cluster attach(ClusterSpec spec, LabRun run, LabOptions options) throws LabException {
        throw new LabException("the qemu backend keeps no lab between commands; use vxlab run or reproduce with it");
    }

    @Override
    public List<String> nodeCommand(LabRun run, NodePlan node, List<String> argv) {
        return List.of("sh", "-c", "echo 'the qemu backend keeps no lab between commands' >&2; exit 2");
    }

    /** The runs whose fabric namespaces exist in this sandbox. */
    @Override
    public List<String> list() throws LabException {
        var result = ProcessRunner.run(List.of("ip", "netns", "list"), Duration.ofSeconds(10));
        if (!result.ok()) {
            throw new LabException("cannot list network namespaces: " + result.stderr().strip());
        }
        TreeSet<String> prefixes = new TreeSet<>();
        result.stdout().lines().map(l -> l.split("\\s+")[0]).filter(ns -> ns.endsWith(QemuNames.FABRIC_SUFFIX))
                .forEach(ns -> prefixes.add(ns.substring(0, ns.length() - QemuNames.FABRIC_SUFFIX.length())));
        return List.copyOf(prefixes);
    }

    /** Ends the run's qemu processes (found by their agent sockets' directory, ended by PID) and its namespace. */
    @Override
    public void delete(String prefix) throws LabException {
        new LabRun(prefix, Path.of(".")); // validates the prefix
        QemuNames names = new QemuNames(prefix);
        String marker = names.socketDirectory().toString() + "/";
        ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(marker)).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        ProcessRunner.run(List.of("ip", "netns", "del", names.fabric()), Duration.ofSeconds(10));
        GuestImage.deleteTree(names.socketDirectory());
    }
}
