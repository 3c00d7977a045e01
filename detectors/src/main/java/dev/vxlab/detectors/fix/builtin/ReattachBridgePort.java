package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import java.util.ArrayList;
import java.util.List;

/** Puts a pod's veth back on cni0, as the CNI bridge plugin had it. */
public final class ReattachBridgePort implements Fix {
    @Override
    public String id() {
        return FixIds.REATTACH_BRIDGE_PORT;
    }

    @Override
    public int rank() {
        return LINKS;
    }

    @Override
    public String description() {
        return "enslave the pod's veth to cni0 again and set it up";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        List<NodeAction> steps = new ArrayList<>();
        for (Finding finding : findings) {
            steps.add(NodeAction.Run.of("ip", "link", "set", "dev", finding.device(), "master", input.flannel().bridgeDevice()));
            steps.add(NodeAction.Run.of("ip", "link", "set", "dev", finding.device(), "up"));
        }
        return steps;
    }
}
