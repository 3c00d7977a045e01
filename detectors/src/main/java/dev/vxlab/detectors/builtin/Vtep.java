package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.NodeState;
import java.util.Optional;

/**
 * The node's VXLAN device as the detectors see it, and the root-cause gates built on it: what the kernel drops as a
 * consequence of a device fault is not a fault of its own.
 *
 * @param name       the device's configured name (flannel.1)
 * @param link       the device, when it exists and is of kind vxlan
 * @param hasAddress whether it holds any IPv4 address
 */
record Vtep(String name, Optional<Link> link, boolean hasAddress) {

    static Vtep of(DetectionInput in) {
        String name = in.flannel().vtepDevice();
        Optional<Link> link = in.current().link(name).filter(l -> l.isKind("vxlan"));
        return new Vtep(name, link, link.isPresent() && !in.current().addressesOf(name).isEmpty());
    }

    /** The device exists as a VXLAN device. Without it nothing else about it is reported. */
    boolean exists() {
        return link.isPresent();
    }

    Link device() {
        return link.orElseThrow(() -> new IllegalStateException(name + " does not exist"));
    }

    boolean isUp() {
        return link.filter(Link::isUp).isPresent();
    }

    /**
     * Whether the kernel keeps routes and neighbor entries through the device: it drops them when the device goes down
     * or loses its last address (the FDB survives both). When this is false, missing or odd routes and neighbor
     * entries through it are consequences, not findings.
     */
    boolean keepsRoutesAndNeighbors() {
        return exists() && isUp() && hasAddress;
    }

    /** The device the VXLAN packets leave through: IFLA_VXLAN_LINK, else the link holding the local address. */
    Optional<Link> underlay(NodeState state) {
        if (link.isEmpty()) {
            return Optional.empty();
        }
        var vxlan = link.get().vxlan().orElseThrow();
        if (vxlan.underlay().isPresent()) {
            var ref = vxlan.underlay().get();
            return state.link(ref.index()).filter(l -> l.name().equals(ref.name()));
        }
        return vxlan.local().flatMap(local -> state.addresses().stream()
                .filter(a -> a.prefix().address().equals(local)).findFirst()
                .flatMap(a -> state.link(a.link().index())));
    }
}
