package dev.vxlab.lab.report;

import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.spi.Finding;
import java.util.List;

/**
 * One fix the run applied: which fix on which node, what it cures, and its commands as typed on the node.
 *
 * @param atSeconds when it was applied, in seconds since the run started
 * @param cures     the fault ids of the findings it cures
 */
public record AppliedFix(String fix, String node, double atSeconds, String description, List<String> cures,
        List<String> commands) {
    public AppliedFix {
        cures = List.copyOf(cures);
        commands = List.copyOf(commands);
    }

    public static AppliedFix of(FixPlan plan, double atSeconds) {
        return new AppliedFix(plan.fix(), plan.node(), atSeconds, plan.description(),
                plan.cures().stream().map(Finding::fault).distinct().toList(), plan.rendered());
    }
}
