package dev.vxlab.lab.backend.netns;

import dev.vxlab.detectors.remote.FileRoot;
import dev.vxlab.detectors.remote.NamespaceRemote;
import dev.vxlab.lab.backend.LabRun;
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

    /** A node's remote: its namespace, and {@code <run>/nodes/<node>/} standing for its / (subnet.env, ...). */
    NamespaceRemote nodeRemote(LabRun run, NodePlan node) {
        return new NamespaceRemote(node.name(), node(node),
                new FileRoot(run.directory().resolve("nodes").resolve(node.name())));
    }

    NamespaceRemote podRemote(LabRun run, NodePlan node, PodPlan pod) {
        return new NamespaceRemote(pod.label(), pod(node, pod),
                new FileRoot(run.directory().resolve("pods").resolve(pod.label().replace('/', '-'))));
    }

    NamespaceRemote fabricRemote(LabRun run) {
        return new NamespaceRemote("fabric", fabric(), new FileRoot(run.directory().resolve("fabric")));
    }
}
