package dev.vxlab.lab.backend;

import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.lab.spec.PodPlan;
import java.nio.file.Path;
import java.util.Optional;

/** A pod: its own network namespace behind the node's cni0 bridge, reached through its remote. */
public interface ClusterPod {

    PodPlan plan();

    /** Commands and processes inside the pod's network namespace. */
    Remote remote();

    /** The pod's network namespace file, when the fast path is in use (see {@link ClusterNode#netnsFastPath()}). */
    Optional<Path> netnsFastPath();
}
