package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import java.util.List;

/** Re-programs flannel's neighbor, FDB and route for every peer from the advertised view, as flanneld would. */
public final class RestorePeerEntries implements Fix {
    @Override
    public String id() {
        return FixIds.RESTORE_ROUTES;
    }

    @Override
    public int rank() {
        return PEER_ENTRIES;
    }

    @Override
    public String description() {
        return "re-program flannel's neighbor, FDB entry and route for every peer from the advertised leases";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        return NodeFacts.peerEntries(input);
    }
}
