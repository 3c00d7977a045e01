package dev.vxlab.scenarios.contract;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.testkit.RequiredTool;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;

/**
 * The kill contract on containers: after SIGKILL, the run's reaper container (whose stdin the run held) removes the
 * run's node containers and underlay network, then itself; the engine then holds nothing labelled with the run.
 * Needs an engine (skipped without one, failed under CI=true or -Dvxlab.requireAll=true).
 */
@dev.vxlab.detectors.testkit.Kernel
class ContainersKilledRunTest extends KilledRunContract {
    private Set<String> before = Set.of();

    @BeforeEach
    void engineRunsHere() throws LabException {
        String why = null;
        try {
            containers().info();
        } catch (LabException cannotRun) {
            why = cannotRun.getMessage();
        }
        RequiredTool.require("a Docker engine", why == null, why);
        before = Set.copyOf(containers().list());
    }

    private static ClusterBackend containers() throws LabException {
        return Backends.byName("containers");
    }

    @Override
    protected String backend() {
        return "containers";
    }

    @Override
    protected boolean fastPath() {
        return false;
    }

    /** The runs the engine holds now that it did not before: this run's containers and network, by their labels. */
    @Override
    protected Set<String> tracesWhileRunning(ProcessHandle run) {
        try {
            Set<String> runs = new HashSet<>(containers().list());
            runs.removeAll(before);
            return runs;
        } catch (LabException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The reaper needs a moment after the kill: waits up to a minute for the engine to let go of the run. */
    @Override
    protected Set<String> stillHeld(Set<String> traces) throws java.io.IOException {
        try {
            Set<String> held = Set.of();
            for (int i = 0; i < 600; i++) {
                List<String> now = containers().list();
                held = new HashSet<>(traces);
                held.retainAll(now);
                if (held.isEmpty()) {
                    return held;
                }
                Thread.sleep(100);
            }
            return held;
        } catch (LabException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return traces;
        }
    }
}
