package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import java.util.List;
import java.util.Random;

/**
 * Gives a cloned node's VXLAN device a MAC of its own (a locally administered one derived from the node's name, so a
 * dry run and --apply agree), then restarts flanneld, which publishes it; every peer re-programs its entries. The
 * permanent cure is outside flannel: a unique /etc/machine-id per clone.
 */
public final class RegenerateVtepMac implements Fix {
    @Override
    public String id() {
        return FixIds.REGENERATE_VTEP_MAC;
    }

    @Override
    public int rank() {
        return ADDRESSES + 20;
    }

    @Override
    public String description() {
        return "give flannel.1 a MAC of its own and restart flanneld so it publishes it (cloned images share one)";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        return List.of(NodeAction.Run.of("ip", "link", "set", "dev", input.flannel().vtepDevice(), "address",
                        ownMac(input.nodeName()).toString()),
                new NodeAction.RestartFlanneld());
    }

    /** A locally administered unicast MAC derived from the node's name. */
    public static MacAddress ownMac(String nodeName) {
        return MacAddress.randomLocal(new Random(nodeName.hashCode() * 31L + 0x5eed));
    }
}
