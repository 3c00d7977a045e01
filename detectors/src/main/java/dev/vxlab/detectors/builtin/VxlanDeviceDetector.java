package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FlannelConfig;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.VxlanInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Emits {@code vxlan-device-missing} (no flannel.1, or flannel.1 is not a VXLAN device) and
 * {@code vxlan-config-mismatch} (VNI, UDP port, local address or learning differ from what flannel sets).
 */
public final class VxlanDeviceDetector implements Detector {

    @Override
    public String name() {
        return "vxlan-device";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        FlannelConfig flannel = in.flannel();
        AdvertisedNode self = in.self();
        String dev = flannel.vtepDevice();
        String wanted = dev + " vxlan id " + flannel.vni() + " local " + self.publicIp() + " dstport " + flannel.port()
                + " nolearning";
        Optional<Link> link = in.current().link(dev);
        if (link.isEmpty() || !link.get().isKind("vxlan")) {
            String actual = link.map(l -> dev + " is a " + l.kind().orElse("kind-less") + " device, not vxlan")
                    .orElse("no link " + dev);
            return List.of(Catalog.VXLAN_DEVICE_MISSING.finding(in, dev, wanted, actual,
                    dev + " on " + self.publicIp() + " is not a VXLAN device: pods here reach no pod on another node"
                            + " and no other node reaches pods here"));
        }
        VxlanInfo vxlan = link.get().vxlan().orElseThrow();
        List<String> differences = new ArrayList<>();
        if (vxlan.vni() != flannel.vni()) {
            differences.add("VNI " + vxlan.vni() + " instead of " + flannel.vni()
                    + " (peers' packets carry " + flannel.vni() + " and are dropped)");
        }
        if (vxlan.port() != flannel.port()) {
            differences.add("UDP port " + vxlan.port() + " instead of " + flannel.port()
                    + " (peers send to " + flannel.port() + ")");
        }
        if (!vxlan.local().equals(Optional.of(self.publicIp()))) {
            differences.add(vxlan.local().map(ip -> "local " + ip).orElse("no local address") + " instead of "
                    + self.publicIp() + " (the address peers know this node by)");
        }
        if (vxlan.learning()) {
            differences.add("learning on (the FDB fills with entries flannel does not manage)");
        }
        if (differences.isEmpty()) {
            return List.of();
        }
        return List.of(Catalog.VXLAN_CONFIG_MISMATCH.finding(in, dev, wanted, dev + " " + vxlan,
                dev + " on " + self.publicIp() + " is not configured as flannel configures it: "
                        + String.join("; ", differences)));
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS); }
}
