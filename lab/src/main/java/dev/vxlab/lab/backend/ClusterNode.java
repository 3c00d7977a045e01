package dev.vxlab.lab.backend;

import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.lab.spec.NodePlan;
import java.nio.file.Path;
import java.util.Optional;

/** A node: a remote to run commands on, start processes and move files, and maybe a fast path into its namespace. */
public interface ClusterNode {

    NodePlan plan();

    default String name() {
        return plan().name();
    }

    /** How everything reaches the node: commands, processes, files. */
    Remote remote();

    /**
     * The node's network namespace file (for setns from this JVM), when the backend offers the fast path and the lab
     * uses it. An optimisation only: everything also works through {@link #remote()}.
     */
    Optional<Path> netnsFastPath();

    /** How a person gets a shell on this node, e.g. {@code ip netns exec vx3f2a-n0 bash}. */
    String accessHint();
}
