package dev.vxlab.detectors.fix;

import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.spi.Finding;
import java.util.List;

/** What one fix will do on one node for the findings it cures: its steps, printable, in order. */
public record FixPlan(String fix, String node, List<Finding> cures, String description, List<NodeAction> steps) {

    public FixPlan {
        cures = List.copyOf(cures);
        steps = List.copyOf(steps);
    }

    /** The steps as a person would type them on the node. */
    public List<String> rendered() {
        return steps.stream().map(s -> s.render(node)).toList();
    }
}
