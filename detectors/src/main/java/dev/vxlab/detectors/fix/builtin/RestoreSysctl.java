package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import java.util.ArrayList;
import java.util.List;

/** Forwarding on; reverse-path filtering loose (2), which keeps its protection and lets asymmetric paths through. */
public final class RestoreSysctl implements Fix {
    @Override
    public String id() {
        return FixIds.RESTORE_SYSCTL;
    }

    @Override
    public int rank() {
        return SYSCTLS;
    }

    @Override
    public String description() {
        return "turn IPv4 forwarding back on; set rp_filter to loose (2)";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        List<NodeAction> steps = new ArrayList<>();
        if (findings.stream().anyMatch(f -> f.fault().equals(FaultIds.IP_FORWARD_DISABLED))) {
            steps.add(NodeAction.Run.of("sysctl", "-w", "net.ipv4.ip_forward=1"));
        }
        if (findings.stream().anyMatch(f -> f.fault().equals(FaultIds.RP_FILTER_STRICT))) {
            // The effective value is the larger of "all" and the device's: 2 on "all" makes every device loose.
            steps.add(NodeAction.Run.of("sysctl", "-w", "net.ipv4.conf.all.rp_filter=2"));
        }
        return steps;
    }
}
