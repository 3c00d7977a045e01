package dev.vxlab.bench;

import dev.vxlab.detectors.agent.ProbeLoop;
import dev.vxlab.detectors.netlink.ChangeEvent;
import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.state.Route;
import java.util.List;
import java.util.Optional;

/**
 * Runs the agent's loop until the JIT has compiled it, before a harness measures it: an agent that has watched a node
 * for a while (at one pass a second, the first minutes) runs compiled code, and the harnesses mean to measure that
 * steady state, not the interpreter. JMH does the same for the benchmarks with its warm-up iterations. Half the
 * passes are full ones; the other half are delta passes over events that take one of the node's routes away and give
 * it back (the events are made here, the kernel is not touched), and a full pass at the end puts the loop back in step
 * with the node.
 */
final class WarmUp {
    static final int PASSES = 5_000;

    private WarmUp() {}

    static void run(ProbeLoop loop, int passes) throws SnapshotException {
        ProbeLoop.Iteration first = loop.iterate(true);
        Optional<Route> route = first.state().routes().stream()
                .filter(r -> r.table() == Route.TABLE_MAIN && r.dev().isPresent() && !r.isDefault()).findFirst();
        for (int i = 1; i < passes; i++) {
            if (route.isEmpty() || i % 2 == 0) {
                loop.iterate(false);
            } else {
                Route r = route.get();
                loop.iterate(List.of(new ChangeEvent.RouteChanged(r.table(), r.dst(), true, route)));
                loop.iterate(List.of(new ChangeEvent.RouteChanged(r.table(), r.dst(), false, route)));
            }
        }
        loop.iterate(false);
    }
}
