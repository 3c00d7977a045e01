package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.NmFacts;
import java.util.ArrayList;
import java.util.List;

/**
 * Emits {@code nm-manages-cni-devices}, a risk: NetworkManager runs and its unmanaged-devices do not cover flannel*,
 * cni0 and veth*, so it may re-address, re-MAC or take down flannel's devices (the field bug's trigger).
 */
public final class NetworkManagerDetector implements Detector {

    @Override
    public String name() {
        return "network-manager";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        NmFacts nm = in.current().networkManager();
        if (!nm.inspected() || !nm.running()) {
            return List.of();
        }
        String bridge = in.flannel().bridgeDevice();
        List<String> uncovered = new ArrayList<>();
        if (!nm.coversFlannel()) {
            uncovered.add("flannel*");
        }
        if (!nm.unmanages(bridge)) {
            uncovered.add(bridge);
        }
        if (!nm.coversVeth()) {
            uncovered.add("veth*");
        }
        if (uncovered.isEmpty()) {
            return List.of();
        }
        String configured = nm.unmanagedDevices().isEmpty() ? "none configured"
                : "configured: " + String.join(";", nm.unmanagedDevices());
        return List.of(Catalog.NM_MANAGES_CNI_DEVICES.finding(in, Finding.NODE_WIDE,
                "NetworkManager unmanaged-devices covers interface-name:flannel*, interface-name:" + bridge
                        + ", interface-name:veth*",
                "NetworkManager runs; unmanaged-devices misses " + String.join(", ", uncovered) + " (" + configured
                        + ")" + (nm.activatedDevices().isEmpty() ? ""
                                : "; it activated " + String.join(", ", nm.activatedDevices()) + " itself"),
                "NetworkManager on " + in.self().publicIp() + " may manage " + String.join(", ", uncovered)
                        + ": a restart or re-activation can change flannel.1's MAC, drop its address and routes, or"
                        + " detach pods (the field bug)"));
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.NETWORK_MANAGER); }
}
