package dev.vxlab.bench;

import dev.vxlab.detectors.agent.ProbeLoop;
import dev.vxlab.detectors.source.SnapshotException;

/**
 * Runs the agent's loop until the JIT has compiled it, before a harness measures it: an agent that has watched a node
 * for a while (at one pass a second, the first minutes) runs compiled code, and the harnesses mean to measure that
 * steady state, not the interpreter. JMH does the same for the benchmarks with its warm-up iterations.
 */
final class WarmUp {
    static final int PASSES = 5_000;

    private WarmUp() {}

    static void run(ProbeLoop loop, int passes) throws SnapshotException {
        for (int i = 0; i < passes; i++) {
            loop.iterate(i == 0);
        }
    }
}
