package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts back flannel.1's {@code <subnet>.0/32} (and, since the kernel dropped them with the address, the peer entries)
 * or cni0's {@code <subnet>.1/24}.
 */
public final class RestoreAddress implements Fix {
    @Override
    public String id() {
        return FixIds.RESTORE_ADDRESS;
    }

    @Override
    public int rank() {
        return ADDRESSES;
    }

    @Override
    public String description() {
        return "add back the address flannel (flannel.1) or the CNI bridge plugin (cni0) gave the device";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        AdvertisedNode self = NodeFacts.self(input);
        List<NodeAction> steps = new ArrayList<>();
        if (findings.stream().anyMatch(f -> f.fault().equals(FaultIds.BRIDGE_ADDRESS_MISSING))) {
            steps.add(NodeAction.Run.of("ip", "addr", "replace", self.podCidr().host(1) + "/" + self.podCidr().length(),
                    "dev", input.flannel().bridgeDevice()));
        }
        if (findings.stream().anyMatch(f -> f.fault().equals(FaultIds.VTEP_ADDRESS_MISSING))) {
            steps.add(NodeAction.Run.of("ip", "addr", "replace", self.podCidr().network() + "/32", "dev",
                    input.flannel().vtepDevice()));
            steps.addAll(NodeFacts.peerEntries(input));
        }
        return steps;
    }
}
