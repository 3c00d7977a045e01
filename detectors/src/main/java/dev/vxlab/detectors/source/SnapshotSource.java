package dev.vxlab.detectors.source;

import dev.vxlab.detectors.state.NodeState;

/**
 * Where a {@link NodeState} comes from. Every source reads the same kernel objects, so two sources asked about the
 * same network namespace return equal snapshots (compare {@link NodeState#withoutCounters()} when they run at
 * different moments).
 */
@FunctionalInterface
public interface SnapshotSource {
    /** Reads the node's state now. */
    NodeState snapshot() throws SnapshotException;
}
