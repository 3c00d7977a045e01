package dev.vxlab.scenarios.contract;

import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.lab.backend.LabOptions;

/** The netns backend through its remotes only, as a backend without the fast path (qemu, containers) runs. */
@Kernel
class NetnsRemoteOnlyContractTest extends NetnsFastPathContractTest {
    @Override
    protected LabOptions options() {
        return LabOptions.REMOTE_ONLY;
    }
}
