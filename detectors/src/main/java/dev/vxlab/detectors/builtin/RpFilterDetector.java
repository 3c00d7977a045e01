package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.Sysctls;
import java.util.ArrayList;
import java.util.List;

/**
 * Emits {@code rp-filter-strict} for flannel.1 and cni0 when the rp_filter the kernel applies there (the larger of
 * {@code all} and the device's own) is 1, strict. Loose (2) and off (0) are fine.
 */
public final class RpFilterDetector implements Detector {

    @Override
    public String name() {
        return "rp-filter";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        Sysctls sysctls = in.current().sysctls();
        List<Finding> out = new ArrayList<>();
        for (String dev : List.of(in.flannel().vtepDevice(), in.flannel().bridgeDevice())) {
            if (in.current().link(dev).isEmpty() || sysctls.effectiveRpFilter(dev) != Sysctls.RP_FILTER_STRICT) {
                continue;
            }
            int own = sysctls.rpFilter().getOrDefault(dev, sysctls.rpFilterDefault());
            out.add(Catalog.RP_FILTER_STRICT.finding(in, dev, "rp_filter on " + dev + " 0 (off) or 2 (loose)",
                    "rp_filter on " + dev + " 1 (strict: all=" + sysctls.rpFilterAll() + ", " + dev + "=" + own + ")",
                    "strict reverse-path filtering on " + dev + " on " + in.self().publicIp()
                            + ": a packet whose reply would leave through another device (asymmetric routes, node"
                            + " ports, multi-homed nodes) is dropped"));
        }
        return out;
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.SYSCTLS); }
}
