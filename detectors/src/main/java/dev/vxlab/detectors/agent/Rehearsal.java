package dev.vxlab.detectors.agent;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.netlink.ChangeEvent;
import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Warms a probe loop's code up before it watches, so the first fault of a node that was healthy for days runs
 * compiled code and not the interpreter. Full passes alone would compile only the healthy path; so between them the
 * loop rehearses the field's faults in memory: delta passes over events, made up here from the node's own state, that
 * take each of its routes, neighbors and FDB entries away and give it back, and change each link's MAC and change it
 * back. Findings then appear and clear, and the JIT compiles what a faulty node runs: the delta, the detectors'
 * findings, their diff. The kernel is not touched. Run it on a throwaway loop over the same source and detectors: the
 * compiled code is shared, the loop's findings are not.
 */
public final class Rehearsal {
    private Rehearsal() {}

    /**
     * @param passes how many passes in all (half of them full); the last is a full pass, so the loop ends in step
     *               with the node
     */
    public static void run(ProbeLoop loop, int passes) throws SnapshotException {
        if (passes <= 0) {
            return;
        }
        NodeState state = loop.iterate(true).state();
        List<List<ChangeEvent>> scenes = scenes(state);
        for (int i = 1, scene = 0; i < passes - 1; i++) {
            if (scenes.isEmpty() || i % 2 == 0) {
                loop.iterate(false);
            } else {
                loop.iterate(scenes.get(scene++ % scenes.size()));
            }
        }
        if (passes > 1) {
            loop.iterate(false);
        }
    }

    /**
     * The made-up changes, each a fault and then its repair, in the order they are played: each scene is one delta
     * pass, a fault's scene followed by its repair's.
     */
    static List<List<ChangeEvent>> scenes(NodeState state) {
        List<List<ChangeEvent>> scenes = new ArrayList<>();
        for (Route r : state.routes()) {
            if (r.table() == Route.TABLE_MAIN && !r.isDefault()) {
                scenes.add(List.of(new ChangeEvent.RouteChanged(r.table(), r.dst(), true, Optional.of(r))));
                scenes.add(List.of(new ChangeEvent.RouteChanged(r.table(), r.dst(), false, Optional.of(r))));
            }
        }
        for (Neighbor n : state.neighbors()) {
            scenes.add(List.of(neighbor(n, true)));
            scenes.add(List.of(neighbor(n, false)));
        }
        for (FdbEntry e : state.fdb()) {
            scenes.add(List.of(fdb(e, true)));
            scenes.add(List.of(fdb(e, false)));
        }
        for (Link l : state.links()) {
            if (l.mac().isPresent() && !l.isLoopback()) {
                Link drifted = withMac(l, new MacAddress(l.mac().get().bits() ^ 1));
                scenes.add(List.of(new ChangeEvent.LinkChanged(l.index(), l.name(), false, Optional.of(drifted))));
                scenes.add(List.of(new ChangeEvent.LinkChanged(l.index(), l.name(), false, Optional.of(l))));
            }
        }
        return scenes;
    }

    private static ChangeEvent neighbor(Neighbor n, boolean removed) {
        return new ChangeEvent.NeighborChanged(n.dev().index(), false, removed, Optional.of(n), Optional.empty());
    }

    private static ChangeEvent fdb(FdbEntry e, boolean removed) {
        return new ChangeEvent.NeighborChanged(e.dev().index(), true, removed, Optional.empty(), Optional.of(e));
    }

    private static Link withMac(Link l, MacAddress mac) {
        return new Link(l.index(), l.name(), l.kind(), Optional.of(mac), l.mtu(), l.flags(), l.operState(), l.master(),
                l.vxlan(), l.counters());
    }
}
