package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.Link;
import java.util.List;
import java.util.Optional;

/**
 * Emits {@code underlay-address-missing}: no link of the node holds the public-ip flannel published for it (the
 * underlay was renumbered after flanneld started, by DHCP or by hand). Peers still send VXLAN to the published address,
 * which nobody answers, and the VXLAN device's local address (the same one) is no longer the node's, so the kernel
 * refuses to encapsulate from it. A VXLAN local address that is on the node but differs from the published one is
 * {@code vxlan-config-mismatch}'s (VxlanDeviceDetector).
 */
public final class UnderlayAddressDetector implements Detector {

    @Override
    public String name() {
        return "underlay-address";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        Ipv4 published = in.self().publicIp();
        if (Underlay.holder(in.current(), published).isPresent()) {
            return List.of();
        }
        Optional<Link> underlay = Underlay.of(in);
        String dev = underlay.map(Link::name).orElse(in.flannel().vtepDevice());
        List<String> held = underlay.map(u -> in.current().addressesOf(u.name()).stream()
                .map(a -> a.prefix().toString()).toList()).orElse(List.of());
        String has = held.isEmpty() ? dev + " has no IPv4 address" : dev + " has " + Text.inline(held);
        int peers = in.advertised().nodes().size() - 1;
        return List.of(Catalog.UNDERLAY_ADDRESS_MISSING.finding(in, dev,
                published + " on " + dev + " (the public-ip flannel published, " + in.flannel().vtepDevice()
                        + "'s local address)",
                "no link holds " + published + "; " + has,
                "the underlay of " + in.nodeName() + " was renumbered: " + has + " but flannel published " + published
                        + ", so the " + Text.count(peers, "peer") + " send VXLAN to an address nobody answers and "
                        + in.flannel().vtepDevice() + " cannot send from an address the node no longer has; no pod"
                        + " here reaches or is reached from another node"));
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.ADDRESSES, StatePart.ROUTES); }
}
