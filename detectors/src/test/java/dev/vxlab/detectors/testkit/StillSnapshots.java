package dev.vxlab.detectors.testkit;

import static org.assertj.core.api.Assertions.fail;

import dev.vxlab.detectors.source.SnapshotSource;
import dev.vxlab.detectors.state.NodeState;

/**
 * Two sources compared at a moment the namespace held still. Devices that just came up keep changing for a while
 * (carrier, linkdown, multicast neighbors), so the inner source is read between two reads of the outer one, until
 * those two agree: then nothing changed while the inner one read.
 *
 * @param before the outer source's read before
 * @param inner  the inner source's read
 * @param after  the outer source's read after; equal to {@code before} without counters
 */
public record StillSnapshots(NodeState before, NodeState inner, NodeState after) {
    public static StillSnapshots read(SnapshotSource outer, SnapshotSource inner) throws Exception {
        for (int round = 0; round < 50; round++) {
            NodeState before = outer.snapshot();
            NodeState between = inner.snapshot();
            NodeState after = outer.snapshot();
            if (before.withoutCounters().equals(after.withoutCounters())) {
                return new StillSnapshots(before, between, after);
            }
            Thread.sleep(100);
        }
        return fail("the namespace never held still for three snapshots");
    }
}
