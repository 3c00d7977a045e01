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
 * Emits {@code duplicate-vtep-mac}: the VtepMAC this node published, or its VXLAN device's MAC, is also another node's
 * published VtepMAC. Cloned VM images do this (one machine-id, so systemd's MACAddressPolicy=persistent gives every
 * clone's flannel.1 the same MAC, and each flanneld publishes what it reads). Peers' FDB hold one entry per MAC, so
 * frames for both nodes go to whichever was programmed last. Every node sharing the MAC is named; which one to change
 * is the cluster view's call (`vxlab doctor --all`), and changing any of them cures it.
 */
public final class DuplicateVtepMacDetector implements Detector {

    @Override
    public String name() {
        return "duplicate-vtep-mac";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        AdvertisedNode self = in.self();
        Vtep vtep = Vtep.of(in);
        if (!vtep.exists()) {
            return List.of(); // vxlan-device-missing says it all: flanneld re-creates it and publishes its new MAC
        }
        Optional<MacAddress> device = vtep.link().flatMap(l -> l.mac());
        List<AdvertisedNode> sharing = in.advertised().nodes().stream()
                .filter(n -> !n.name().equals(self.name()))
                .filter(n -> n.vtepMac().equals(self.vtepMac()) || device.filter(n.vtepMac()::equals).isPresent())
                .toList();
        if (sharing.isEmpty()) {
            return List.of();
        }
        MacAddress mac = sharing.getFirst().vtepMac();
        List<String> names = sharing.stream().map(AdvertisedNode::name).toList();
        String dev = vtep.name();
        return List.of(Catalog.DUPLICATE_VTEP_MAC.finding(in, dev,
                dev + " with a VtepMAC no other node has",
                dev + " " + mac + (self.vtepMac().equals(mac) ? " (published)" : " (on the device)")
                        + ", also published by " + Text.inline(names),
                in.nodeName() + " and " + Text.inline(names) + " share VtepMAC " + mac + " (cloned images?): peers"
                        + " keep one FDB entry per MAC, so frames for all of them go to whichever node was programmed"
                        + " last; give all but one a MAC of their own and restart their flanneld"));
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.ADDRESSES); }
}
