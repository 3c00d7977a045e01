package dev.vxlab.lab.backend;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.spec.ClusterSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Builds clusters: the one seam between vxlab and where nodes come from (network namespaces on this kernel, node
 * containers, arm64 VMs, kind). Modelled on kind's node providers: few verbs, a capabilities record. Backends are
 * found with {@link java.util.ServiceLoader} ({@link Backends}); {@code docs/backends.md} tells how to write one.
 */
public interface ClusterBackend {

    /** The name used on the command line ({@code --backend NAME}) and in {@code @VxLab(backend = ...)}. */
    String name();

    /** How many nodes {@code vxlab reproduce} builds when not told: the field's 5, fewer where a node is a whole VM. */
    default int defaultNodes() {
        return 5;
    }

    /** What this backend can do here, or the one-sentence reason it cannot run at all. */
    BackendInfo info() throws LabException;

    /**
     * Where this backend must run, it runs the CLI again there and returns its exit code (the netns backend needs its
     * sandbox: user, mount, network and PID namespaces); empty when this process is already where it must be.
     */
    default Optional<Integer> enter(List<String> cliArguments) throws LabException {
        return Optional.empty();
    }

    /**
     * Builds a running cluster: underlay, flannel (real or emulated), pods. On failure, whatever was made is removed
     * before the exception leaves.
     */
    Cluster create(ClusterSpec spec, LabRun run, LabOptions options) throws LabException;

    /** {@link #create(ClusterSpec, LabRun, LabOptions)} with the fast path where the backend has one. */
    default Cluster create(ClusterSpec spec, LabRun run) throws LabException {
        return create(spec, run, LabOptions.DEFAULT);
    }

    /** A cluster another process made and still owns (a persistent lab); closing the view removes nothing. */
    Cluster attach(ClusterSpec spec, LabRun run, LabOptions options) throws LabException;

    /**
     * The argv that runs {@code argv} on a node of a persistent lab with the caller's terminal attached
     * ({@code vxlab shell}, {@code vxlab exec}), run where {@link #enter} would run the CLI.
     */
    List<String> nodeCommand(LabRun run, dev.vxlab.lab.spec.NodePlan node, List<String> argv);

    /** The run prefixes of this backend's clusters that exist where this process can see them. */
    List<String> list() throws LabException;

    /** Removes every trace of the cluster with this run prefix (for a crashed run whose owner cannot). */
    void delete(String prefix) throws LabException;

    /**
     * Writes what a person needs to debug the cluster into {@code directory}: each node's links, addresses, routes,
     * neighbors and FDB as the node's own tools print them, through the node's remote. Returns the files written.
     */
    default List<Path> collectLogs(Cluster cluster, Path directory) throws LabException {
        return NodeLogs.collect(cluster, directory);
    }
}
