package dev.vxlab.lab.backend;

import dev.vxlab.lab.shell.NodeShell;
import dev.vxlab.lab.spec.NodePlan;
import java.nio.file.Path;
import java.util.Optional;

/** A node: something you can run a command on, and, where the backend allows, a network namespace to enter. */
public interface ClusterNode {

    NodePlan plan();

    default String name() {
        return plan().name();
    }

    NodeShell shell();

    /** The node's network namespace file (for setns), when this JVM can reach it. */
    Optional<Path> netnsFile();

    /** How a person gets a shell on this node, e.g. {@code ip netns exec vx3f2a-n0 bash}. */
    String accessHint();
}
