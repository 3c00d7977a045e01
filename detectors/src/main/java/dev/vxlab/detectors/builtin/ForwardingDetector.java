package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import java.util.List;

/** Emits {@code ip-forward-disabled}: the node does not route between cni0 and flannel.1 without it. */
public final class ForwardingDetector implements Detector {

    @Override
    public String name() {
        return "ip-forward";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        if (in.current().sysctls().ipForward()) {
            return List.of();
        }
        return List.of(Catalog.IP_FORWARD_DISABLED.finding(in, Finding.NODE_WIDE, "net.ipv4.ip_forward = 1",
                "net.ipv4.ip_forward = 0", "IPv4 forwarding is off on " + in.self().publicIp()
                        + ": pods here reach no other node, and no other node's pod reaches them"));
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.SYSCTLS); }
}
