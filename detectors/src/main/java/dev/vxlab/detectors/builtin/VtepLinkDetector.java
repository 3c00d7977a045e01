package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import dev.vxlab.detectors.state.Link;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Emits {@code vtep-link-down}: the VXLAN device is administratively down (the kernel then drops its routes and
 * neighbor entries, which are therefore not reported), or the underlay device it sends through is (also when the
 * VXLAN device is missing: the underlay is then the device that holds the node's advertised public IP, or its
 * subnet, or the default route; see Underlay).
 */
public final class VtepLinkDetector implements Detector {

    @Override
    public String name() {
        return "vtep-link";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        Vtep vtep = Vtep.of(in);
        String ip = in.self().publicIp().toString();
        if (!vtep.exists()) {
            // Nothing else is said about a missing flannel.1, but a down underlay is not a consequence of it: re-creating
            // flannel.1 would not bring eth0 up. Without the device, the underlay is the one holding the public IP.
            return Underlay.of(in).filter(l -> !l.isUp()).map(l -> List.of(underlayDown(in, l, vtep, ip)))
                    .orElse(List.of());
        }
        int peers = in.advertised().nodes().size() - 1;
        List<Finding> out = new ArrayList<>();
        if (!vtep.isUp()) {
            out.add(Catalog.VTEP_LINK_DOWN.finding(in, vtep.name(), vtep.name() + " up",
                    vtep.name() + " down (" + vtep.device().operState() + ")",
                    vtep.name() + " on " + ip + " is down: the kernel dropped its routes and neighbor entries, so pods"
                            + " here reach no pod on the " + Text.count(peers, "other node")));
        }
        Optional<Link> underlay = Underlay.of(in);
        if (underlay.isPresent() && !underlay.get().isUp()) {
            out.add(underlayDown(in, underlay.get(), vtep, ip));
        }
        return out;
    }

    private static Finding underlayDown(DetectionInput in, Link underlay, Vtep vtep, String ip) {
        String dev = underlay.name();
        return Catalog.VTEP_LINK_DOWN.withFixes(FixIds.LINK_UP).finding(in, dev,
                dev + " up (" + vtep.name() + " sends VXLAN through it)",
                dev + " down (" + underlay.operState() + ")",
                dev + ", the device " + vtep.name() + " sends VXLAN through, is down on " + ip
                        + ": no encapsulated packet leaves or arrives");
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.ADDRESSES, StatePart.ROUTES); }
}
