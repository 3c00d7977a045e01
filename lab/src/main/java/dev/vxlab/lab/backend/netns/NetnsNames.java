package dev.vxlab.lab.backend.netns;

import dev.vxlab.lab.spec.NodePlan;
import dev.vxlab.lab.spec.PodPlan;

/** The names a run gives its namespaces and fabric devices; all start with the run's prefix. */
record NetnsNames(String prefix) {

    String fabric() {
        return prefix + "-fab";
    }

    String fabricBridge() {
        return prefix + "-br";
    }

    String node(NodePlan node) {
        return prefix + "-n" + node.index();
    }

    /** The fabric-side end of a node's eth0 (at most 15 characters: the prefix is at most 8). */
    String fabricPort(NodePlan node) {
        return prefix + "-" + node.index();
    }

    String pod(NodePlan node, PodPlan pod) {
        return node(node) + "-" + pod.name();
    }
}
