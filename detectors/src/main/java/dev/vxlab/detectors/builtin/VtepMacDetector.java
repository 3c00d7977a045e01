package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import java.util.List;
import java.util.Optional;

/**
 * Emits {@code vtep-mac-drift}: this node's VXLAN device has a MAC other than the VtepMAC it advertised (the field
 * bug). Only this node is at fault: its peers' entries match the advertisement, so they report nothing.
 */
public final class VtepMacDetector implements Detector {

    @Override
    public String name() {
        return "vtep-mac";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        Vtep vtep = Vtep.of(in);
        if (!vtep.exists()) {
            return List.of(); // vxlan-device-missing says it all
        }
        AdvertisedNode self = in.self();
        Optional<MacAddress> mac = vtep.device().mac();
        if (mac.equals(Optional.of(self.vtepMac()))) {
            return List.of();
        }
        String dev = vtep.name();
        String has = mac.map(MacAddress::toString).orElse("no MAC");
        return List.of(Catalog.VTEP_MAC_DRIFT.finding(in, dev,
                dev + " link/ether " + self.vtepMac() + " (advertised VtepMAC)",
                mac.map(m -> dev + " link/ether " + m).orElse(dev + " has no MAC"),
                dev + " on " + self.publicIp() + " has MAC " + has + " but the cluster was told " + self.vtepMac()
                        + "; peers send replies to the old MAC and this node drops them as otherhost"));
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.ADDRESSES); }
}
