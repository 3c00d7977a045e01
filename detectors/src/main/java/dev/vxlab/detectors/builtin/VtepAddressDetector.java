package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.Address;
import java.util.List;

/**
 * Emits {@code vtep-address-missing}: the VXLAN device lacks its lease's network address as a /32. With the device's
 * last address gone the kernel also dropped every route and neighbor entry through it (what the field's NetworkManager
 * restart did); those are consequences and are not reported on their own.
 */
public final class VtepAddressDetector implements Detector {

    @Override
    public String name() {
        return "vtep-address";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        Vtep vtep = Vtep.of(in);
        if (!vtep.exists()) {
            return List.of();
        }
        Ipv4Prefix wanted = in.self().vtepAddress();
        List<Address> addresses = in.current().addressesOf(vtep.name());
        if (addresses.stream().anyMatch(a -> a.prefix().equals(wanted))) {
            return List.of();
        }
        String ip = in.self().publicIp().toString();
        String dev = vtep.name();
        if (addresses.isEmpty()) {
            int peers = in.advertised().nodes().size() - 1;
            return List.of(Catalog.VTEP_ADDRESS_MISSING.finding(in, dev, wanted + " on " + dev,
                    dev + " has no IPv4 address",
                    dev + " on " + ip + " lost its address " + wanted + ": the kernel dropped every route and neighbor"
                            + " entry through it, so pods here reach no pod on the " + Text.count(peers, "other node")
                            + " (its FDB entries survive)"));
        }
        List<String> held = addresses.stream().map(a -> a.prefix().toString()).toList();
        return List.of(Catalog.VTEP_ADDRESS_MISSING.finding(in, dev, wanted + " on " + dev,
                dev + " has " + Text.inline(held) + " only",
                dev + " on " + ip + " has " + Text.inline(held) + " instead of its lease's " + wanted
                        + ": peers' traffic to " + wanted.address() + " is not accepted as local"));
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.ADDRESSES); }
}
