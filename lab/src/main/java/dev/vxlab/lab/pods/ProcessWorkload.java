package dev.vxlab.lab.pods;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.ClusterPod;
import dev.vxlab.lab.backend.LabRun;

/** The pods' servers as processes started through each pod's remote (the generic path). */
public final class ProcessWorkload implements PodWorkload {
    private final LabRun run;

    public ProcessWorkload(LabRun run) {
        this.run = run;
    }

    @Override
    public AutoCloseable start(ClusterPod pod, DnsZone zone) throws LabException {
        throw new LabException("pod servers over the remote are not built yet (run " + run.prefix() + ")");
    }
}
