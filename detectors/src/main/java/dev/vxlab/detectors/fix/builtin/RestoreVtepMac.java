package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.fix.FixStep;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import java.util.ArrayList;
import java.util.List;

/** Gives flannel.1 back the MAC the cluster was told; the kernel then drops its neighbors, so they are re-added. */
public final class RestoreVtepMac implements Fix {
    @Override
    public String id() {
        return FixIds.RESTORE_VTEP_MAC;
    }

    @Override
    public String description() {
        return "set flannel.1's MAC back to the advertised VtepMAC and re-program the peer entries the change flushed";
    }

    @Override
    public List<FixStep> plan(List<Finding> findings, DetectionInput input) {
        List<FixStep> steps = new ArrayList<>();
        steps.add(FixStep.Run.of("ip", "link", "set", "dev", input.flannel().vtepDevice(), "address",
                NodeFacts.self(input).vtepMac().toString()));
        steps.addAll(NodeFacts.peerEntries(input));
        return steps;
    }
}
