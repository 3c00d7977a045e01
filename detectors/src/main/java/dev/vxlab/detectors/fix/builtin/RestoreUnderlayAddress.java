package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import dev.vxlab.detectors.state.Address;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Puts the published public-ip back on the underlay device, with the prefix length of the address the device holds
 * now (the renumbering kept the subnet), so peers' VXLAN reaches the node again and flannel.1's local address is the
 * node's once more. It leaves the new address in place; flannel-resync is the other cure (publish the new one).
 */
public final class RestoreUnderlayAddress implements Fix {
    @Override
    public String id() {
        return FixIds.RESTORE_UNDERLAY_ADDRESS;
    }

    @Override
    public int rank() {
        return ADDRESSES - 10;
    }

    @Override
    public String description() {
        return "add the public-ip flannel published back to the underlay device (same prefix length as its address now)";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        Set<String> devices = new LinkedHashSet<>();
        findings.forEach(f -> devices.add(f.device()));
        List<NodeAction> steps = new ArrayList<>();
        for (String dev : devices) {
            int length = input.current().addressesOf(dev).stream().map(Address::prefix)
                    .mapToInt(p -> p.length()).findFirst().orElse(32);
            steps.add(NodeAction.Run.of("ip", "addr", "add", NodeFacts.self(input).publicIp() + "/" + length, "dev",
                    dev));
        }
        return steps;
    }
}
