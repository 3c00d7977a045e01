package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.NodeState;
import java.util.List;

/**
 * The host ends of the pods' veth pairs: the ports of the CNI bridge, plus veth* links with no master (a pod's veth
 * someone took off the bridge). A veth* enslaved to another bridge (docker0's containers) belongs to someone else.
 */
final class PodVeths {
    static final String PREFIX = "veth";

    private PodVeths() {}

    static List<Link> of(NodeState state, String bridge) {
        return state.links().stream()
                .filter(l -> l.master().map(m -> m.name().equals(bridge)).orElse(l.name().startsWith(PREFIX)))
                .toList();
    }

    static boolean detached(Link link) {
        return link.master().isEmpty();
    }
}
