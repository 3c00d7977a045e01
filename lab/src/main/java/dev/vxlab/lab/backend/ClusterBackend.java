package dev.vxlab.lab.backend;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.spec.ClusterSpec;

/**
 * Builds clusters: the one seam between vxlab and where nodes come from (network namespaces on this kernel, kind
 * node containers, arm64 VMs). Modelled on kind's node providers: few verbs, a capabilities record.
 */
public interface ClusterBackend {

    /** The name used on the command line ({@code --backend NAME}). */
    String name();

    /** What this backend can do here, or the one-sentence reason it cannot run at all. */
    BackendInfo info() throws LabException;

    /**
     * Builds a running cluster: underlay, flannel (real or emulated), pods and their servers. On failure, whatever
     * was made is removed before the exception leaves.
     */
    Cluster create(ClusterSpec spec, LabRun run) throws LabException;
}
