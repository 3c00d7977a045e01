package dev.vxlab.lab.backend;

import dev.vxlab.lab.shell.NodeShell;
import dev.vxlab.lab.spec.PodPlan;
import java.nio.file.Path;
import java.util.Optional;

/** A pod: its own network namespace behind the node's cni0 bridge. */
public interface ClusterPod {

    PodPlan plan();

    NodeShell shell();

    Optional<Path> netnsFile();
}
