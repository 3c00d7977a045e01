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

/**
 * Sets each device's MTU back to flannel's plan: flannel.1, cni0 and pod veths at FLANNEL_MTU, the underlay at
 * FLANNEL_MTU + 50 so encapsulated frames fit. Underlay first: flannel.1 cannot exceed it less 50, so raising
 * flannel.1 raises a too-small underlay as well.
 */
public final class RestoreMtu implements Fix {
    @Override
    public String id() {
        return FixIds.RESTORE_MTU;
    }

    @Override
    public int rank() {
        return LINKS + 20;
    }

    @Override
    public String description() {
        return "set the MTUs back to flannel's: FLANNEL_MTU on flannel.1, cni0 and the pod veths, FLANNEL_MTU + 50 on the underlay";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        int mtu = NodeFacts.vtepMtu(input);
        String underlay = input.current().link(input.flannel().vtepDevice()).flatMap(l -> l.vxlan())
                .flatMap(v -> v.underlay()).map(u -> u.name()).orElse("eth0");
        Set<String> devices = new LinkedHashSet<>();
        findings.forEach(f -> devices.add(f.device()));
        List<NodeAction> steps = new ArrayList<>();
        // Raising flannel.1 needs room under it: an underlay that is consistent with a shrunken flannel.1 (so not a
        // finding of its own) is raised too, or the kernel refuses flannel.1's MTU (RTNETLINK: Invalid argument).
        boolean raisesVtep = devices.contains(input.flannel().vtepDevice());
        boolean underlayTooSmall = input.current().link(underlay).filter(l -> l.mtu() < mtu + 50).isPresent();
        if (devices.remove(underlay) || (raisesVtep && underlayTooSmall)) {
            steps.add(NodeAction.Run.of("ip", "link", "set", "dev", underlay, "mtu", Integer.toString(mtu + 50)));
        }
        for (String device : devices) {
            steps.add(NodeAction.Run.of("ip", "link", "set", "dev", device, "mtu", Integer.toString(mtu)));
        }
        return steps;
    }
}
