package dev.vxlab.backend.kind;

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

/**
 * Real Kubernetes: a kind cluster (one control plane, N-1 workers, each a node container) made through the kind CLI,
 * real flanneld (vxlan) from vxlab's own manifest, kind's CoreDNS and an httpd DaemonSet as the workload. Nodes are
 * reached with docker exec; the fix for MAC drift is the real one (delete the node's flannel pod). The kind cluster
 * is named after the run prefix, so {@code kind get clusters} lists the runs and {@code kind delete cluster} removes
 * one. See docs/kind.md.
 */
public final class KindBackend implements ClusterBackend {
    public static final String NAME = "kind";

    private final KindTools tools;

    public KindBackend() {
        this(new KindTools());
    }

    KindBackend(KindTools tools) {
        this.tools = tools;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** A node is a whole Kubernetes node container (kubelet, containerd, flanneld): three prove every symptom. */
    @Override
    public int defaultNodes() {
        return 3;
    }

    /**
     * kind needs the Docker engine and the API server's port on this machine's loopback; the vxlab sandbox has
     * neither, so a CLI started inside it says so instead of failing later.
     */
    @Override
    public Optional<Integer> enter(List<String> cliArguments) throws LabException {
        info();
        return Optional.empty();
    }

    @Override
    public BackendInfo info() throws LabException {
        Optional<String> missing = tools.missing();
        if (missing.isPresent()) {
            throw new LabException(missing.get());
        }
        if (Sandbox.inside()) {
            throw new LabException("the kind backend runs outside the vxlab sandbox (it needs this machine's Docker "
                    + "engine and loopback); run it from a plain shell");
        }
        return new BackendInfo(NAME, EnumSet.of(Capability.REAL_FLANNELD, Capability.PACKET_CAPTURE),
                options().unameMachine());
    }

    static KindOptions options() throws LabException {
        try {
            return KindOptions.fromEnvironment();
        } catch (IllegalArgumentException e) {
            throw new LabException(e.getMessage(), e);
        }
    }

    @Override
    public Cluster create(ClusterSpec spec, LabRun run, LabOptions options) throws LabException {
        BackendInfo info = info();
        KindClusterBuilder builder = new KindClusterBuilder(tools, spec, run, info, options());
        try {
            return builder.build();
        } catch (LabException | RuntimeException e) {
            builder.removeEverything();
            throw e;
        }
    }

    @Override
    public Cluster attach(ClusterSpec spec, LabRun run, LabOptions options) throws LabException {
        throw new LabException("the kind backend keeps no lab between vxlab commands; use vxlab run or reproduce "
                + "with it (kind get clusters lists what is left)");
    }

    @Override
    public List<String> nodeCommand(LabRun run, NodePlan node, List<String> argv) {
        return KindCommands.execTty(node.name(), argv);
    }

    /** The kind clusters named like a vxlab run. */
    @Override
    public List<String> list() throws LabException {
        return KubeOutput.labClusters(tools.check("listing kind clusters", KindCommands.getClusters(),
                Duration.ofSeconds(30)));
    }

    @Override
    public void delete(String prefix) throws LabException {
        try {
            new LabRun(prefix, Path.of(".")); // only a run's prefix: never someone else's kind cluster
        } catch (IllegalArgumentException e) {
            throw new LabException("the kind backend deletes only vxlab runs' clusters: " + e.getMessage(), e);
        }
        tools.check("deleting kind cluster " + prefix, KindCommands.deleteCluster(prefix), Duration.ofMinutes(3));
    }
}
