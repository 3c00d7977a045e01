package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Sets the device up again; for flannel.1 the kernel removed its routes when it went down, so they come back too. */
public final class LinkUp implements Fix {
    @Override
    public String id() {
        return FixIds.LINK_UP;
    }

    @Override
    public int rank() {
        return LINKS + 10;
    }

    @Override
    public String description() {
        return "set the device up (and, for flannel.1, re-program the peer routes the kernel removed)";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        Set<String> devices = new LinkedHashSet<>();
        findings.forEach(f -> devices.add(f.device()));
        List<NodeAction> steps = new ArrayList<>();
        for (String device : devices) {
            steps.add(NodeAction.Run.of("ip", "link", "set", "dev", device, "up"));
        }
        if (devices.contains(input.flannel().vtepDevice())) {
            steps.addAll(NodeFacts.peerEntries(input));
        }
        return steps;
    }
}
