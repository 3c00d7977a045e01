package dev.vxlab.lab.cli;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.persist.LabRecord;
import dev.vxlab.lab.persist.LabStore;
import dev.vxlab.lab.spec.NodePlan;
import java.util.List;

/** The argv that runs a command on a node of a persistent lab, as the lab's backend says (vxlab shell and exec). */
final class NodeCommands {
    private NodeCommands() {}

    static List<String> of(LabStore store, LabRecord lab, String node, List<String> argv) throws LabException {
        NodePlan plan;
        try {
            plan = store.readSpec(lab.name()).node(node);
        } catch (IllegalArgumentException e) {
            throw new LabException(e.getMessage(), e);
        }
        return Backends.byName(lab.backend()).nodeCommand(new LabRun(lab.prefix(), store.dir(lab.name())), plan, argv);
    }
}
