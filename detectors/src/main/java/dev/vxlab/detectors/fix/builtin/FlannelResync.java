package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import java.util.List;

/** What healed the field: restart flanneld, which re-reads the device's real MAC, re-publishes it and re-programs. */
public final class FlannelResync implements Fix {
    @Override
    public String id() {
        return FixIds.FLANNEL_RESYNC;
    }

    @Override
    public int rank() {
        return FLANNELD;
    }

    @Override
    public String description() {
        return "restart flanneld on the node: it re-creates or re-reads flannel.1, re-publishes its VtepMAC, and every node re-programs its entries";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        return List.of(new NodeAction.RestartFlanneld());
    }
}
