package dev.vxlab.lab.backend;

import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.lab.spec.PodPlan;
import java.nio.file.Path;
import java.util.Optional;

/** A pod reached only through its remote (backends whose nodes are VMs, containers or kind nodes: no fast path). */
public record RemotePod(PodPlan plan, Remote remote) implements ClusterPod {
    @Override
    public Optional<Path> netnsFastPath() {
        return Optional.empty();
    }
}
