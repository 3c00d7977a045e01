package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.Link;
import java.util.List;

/**
 * Emits {@code underlay-no-carrier}: the underlay device is administratively up but has no carrier (IFF_LOWER_UP
 * clear: a cable, a switch port, the far end of a veth or a hypervisor's vNIC). An administratively down underlay is
 * {@code vtep-link-down}'s (VtepLinkDetector).
 */
public final class UnderlayCarrierDetector implements Detector {

    @Override
    public String name() {
        return "underlay-carrier";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        return Underlay.of(in).filter(l -> l.isUp() && !Underlay.usable(l))
                .map(l -> List.of(finding(in, l))).orElse(List.of());
    }

    private static Finding finding(DetectionInput in, Link l) {
        return Catalog.UNDERLAY_NO_CARRIER.finding(in, l.name(), l.name() + " up with a carrier (LOWER_UP)",
                l.name() + " up, NO-CARRIER (operstate " + l.operState() + ")",
                l.name() + ", the underlay of " + in.nodeName() + ", is up but has no carrier: no encapsulated"
                        + " packet leaves or arrives; check its cable, switch port or virtual NIC (nothing on the node"
                        + " cures it)");
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.ADDRESSES, StatePart.ROUTES); }
}
