package dev.vxlab.scenarios.contract;

import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.LabOptions;

/** The netns backend through its remotes only, as a backend without the fast path (qemu, containers) runs. */
@Kernel
class NetnsRemoteOnlyContractTest extends BackendContract {
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
        return LabOptions.REMOTE_ONLY;
    }
}
