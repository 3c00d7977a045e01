package dev.vxlab.bench;

import dev.vxlab.detectors.agent.ProbeLoop;
import dev.vxlab.detectors.agent.Rehearsal;
import dev.vxlab.detectors.source.SnapshotException;

/**
 * Runs the agent's loop until the JIT has compiled it, before a harness measures it: an agent warms its loop up the
 * same way before it watches (a {@link Rehearsal}: full passes, and delta passes over made-up faults and their
 * repairs), and the harnesses mean to measure that steady state, not the interpreter. JMH does the same for the
 * benchmarks with its warm-up iterations.
 */
final class WarmUp {
    static final int PASSES = 5_000;

    private WarmUp() {}

    static void run(ProbeLoop loop, int passes) throws SnapshotException {
        Rehearsal.run(loop, passes);
    }
}
