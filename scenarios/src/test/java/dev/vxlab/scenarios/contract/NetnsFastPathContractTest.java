package dev.vxlab.scenarios.contract;

import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.LabOptions;

/** The netns backend with its fast path: netlink snapshots, in-JVM probes and pod servers. */
@Kernel
class NetnsFastPathContractTest extends BackendContract {
    @Override
    protected ClusterBackend backend() {
        try {
            return Backends.byName("netns");
        } catch (dev.vxlab.lab.LabException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    protected LabOptions options() {
        return LabOptions.DEFAULT;
    }
}
