package dev.vxlab.scenarios.contract;

import dev.vxlab.detectors.testkit.Kernel;
import java.io.IOException;
import java.util.Set;

/** The kill contract on netns, with the fast path. */
@Kernel
class NetnsFastPathKilledRunTest extends KilledRunContract {
    @Override
    protected String backend() {
        return "netns";
    }

    @Override
    protected boolean fastPath() {
        return true;
    }

    @Override
    protected Set<String> tracesWhileRunning(ProcessHandle run) throws IOException {
        return NetnsLeftovers.namespacesOf(run);
    }

    @Override
    protected Set<String> stillHeld(Set<String> traces) throws IOException {
        return NetnsLeftovers.held(traces);
    }
}
