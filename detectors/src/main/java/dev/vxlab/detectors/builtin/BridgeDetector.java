package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.SubnetEnv;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.Link;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Emits {@code bridge-link-down} (cni0 is down) and {@code bridge-address-missing} (cni0 lacks the pods' gateway
 * address, subnet.env's FLANNEL_SUBNET or else the lease's first host). A node without cni0 has no pods yet: nothing.
 */
public final class BridgeDetector implements Detector {

    @Override
    public String name() {
        return "bridge";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        String dev = in.flannel().bridgeDevice();
        Optional<Link> bridge = in.current().link(dev);
        if (bridge.isEmpty()) {
            return List.of();
        }
        AdvertisedNode self = in.self();
        List<Finding> out = new ArrayList<>();
        if (!bridge.get().isUp()) {
            out.add(Catalog.BRIDGE_LINK_DOWN.finding(in, dev, dev + " up", dev + " down ("
                    + bridge.get().operState() + ")", dev + " on " + self.publicIp()
                    + " is down: the pods here are cut off from their gateway and every other pod"));
        }
        Ipv4Prefix gateway = in.subnetEnv().map(SubnetEnv::subnet)
                .orElseGet(() -> new Ipv4Prefix(self.podCidr().host(1), self.podCidr().length()));
        List<Address> addresses = in.current().addressesOf(dev);
        if (addresses.stream().noneMatch(a -> a.prefix().equals(gateway))) {
            String actual = addresses.isEmpty() ? dev + " has no IPv4 address"
                    : dev + " has " + Text.inline(addresses.stream().map(a -> a.prefix().toString()).toList()) + " only";
            out.add(Catalog.BRIDGE_ADDRESS_MISSING.finding(in, dev, gateway + " on " + dev, actual,
                    dev + " on " + self.publicIp() + " lost its address " + gateway + ": the pods' default gateway "
                            + gateway.address() + " is gone, so pods here reach nothing off their bridge"));
        }
        return out;
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.ADDRESSES); }
}
