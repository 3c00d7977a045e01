package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.action.NodeAction;
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
    public int rank() {
        return ADDRESSES + 10;
    }

    @Override
    public String description() {
        return "set flannel.1's MAC back to the advertised VtepMAC and re-program the peer entries the change flushed";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        List<NodeAction> steps = new ArrayList<>();
        steps.add(NodeAction.Run.of("ip", "link", "set", "dev", input.flannel().vtepDevice(), "address",
                NodeFacts.self(input).vtepMac().toString()));
        steps.addAll(NodeFacts.peerEntries(input));
        return steps;
    }
}
