package dev.vxlab.backend.containers;

import dev.vxlab.lab.spec.NodePlan;

/** The names and labels one run's containers and network carry: everything starts with the run prefix. */
record ContainersNames(String prefix) {
    /** On every container and network of a run: what list(), delete() and the reaper find them by. */
    static final String RUN_LABEL = "dev.vxlab.run";
    static final String NODE_LABEL = "dev.vxlab.node";
    static final String REAPER_LABEL = "dev.vxlab.reaper";

    String network() {
        return prefix + "-underlay";
    }

    /** The underlay bridge's interface name (15 characters at most), where the engine's network namespace is. */
    String bridge() {
        return prefix + "-br";
    }

    String container(NodePlan node) {
        return prefix + "-" + node.name();
    }

    String reaper() {
        return prefix + "-reaper";
    }

    String runFilter() {
        return RUN_LABEL + "=" + prefix;
    }
}
