package dev.vxlab.scenarios.contract;

import dev.vxlab.detectors.testkit.Kernel;

/** The kill contract on netns through the nodes' remotes only. */
@Kernel
class NetnsRemoteOnlyKilledRunTest extends NetnsFastPathKilledRunTest {
    @Override
    protected boolean fastPath() {
        return false;
    }
}
