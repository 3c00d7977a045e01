package dev.vxlab.lab.cli;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.persist.LabRecord;
import dev.vxlab.lab.persist.LabStore;
import dev.vxlab.lab.spec.NodePlan;

/** Maps a node name, IP or index of a persistent lab to its network namespace name. */
final class NodeNamespaces {
    private NodeNamespaces() {}

    static String of(LabStore store, LabRecord lab, String node) throws LabException {
        NodePlan plan;
        try {
            plan = store.readSpec(lab.name()).node(node);
        } catch (IllegalArgumentException e) {
            throw new LabException(e.getMessage(), e);
        }
        return NetnsBackend.namespaceOf(lab.prefix(), plan);
    }
}
