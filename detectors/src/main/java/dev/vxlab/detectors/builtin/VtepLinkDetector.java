package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import dev.vxlab.detectors.state.Link;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Emits {@code vtep-link-down}: the VXLAN device is administratively down (the kernel then drops its routes and
 * neighbor entries, which are therefore not reported), or the underlay device it sends through is.
 */
public final class VtepLinkDetector implements Detector {

    @Override
    public String name() {
        return "vtep-link";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        Vtep vtep = Vtep.of(in);
        if (!vtep.exists()) {
            return List.of();
        }
        String ip = in.self().publicIp().toString();
        int peers = in.advertised().nodes().size() - 1;
        List<Finding> out = new ArrayList<>();
        if (!vtep.isUp()) {
            out.add(Catalog.VTEP_LINK_DOWN.finding(in, vtep.name(), vtep.name() + " up",
                    vtep.name() + " down (" + vtep.device().operState() + ")",
                    vtep.name() + " on " + ip + " is down: the kernel dropped its routes and neighbor entries, so pods"
                            + " here reach no pod on the " + Text.count(peers, "other node")));
        }
        Optional<Link> underlay = vtep.underlay(in.current());
        if (underlay.isPresent() && !underlay.get().isUp()) {
            String dev = underlay.get().name();
            out.add(Catalog.VTEP_LINK_DOWN.withFixes(FixIds.LINK_UP).finding(in, dev,
                    dev + " up (" + vtep.name() + " sends VXLAN through it)",
                    dev + " down (" + underlay.get().operState() + ")",
                    dev + ", the device " + vtep.name() + " sends VXLAN through, is down on " + ip
                            + ": no encapsulated packet leaves or arrives"));
        }
        return out;
    }
}
