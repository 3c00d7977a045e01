package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.Link;
import java.util.ArrayList;
import java.util.List;

/**
 * Emits {@code bridge-port-detached} for a pod's veth* with no master (taken off cni0), and {@code bridge-link-down}
 * for a pod veth that is down (both when both hold). Each finding names the veth.
 */
public final class BridgePortsDetector implements Detector {

    @Override
    public String name() {
        return "bridge-ports";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        String bridge = in.flannel().bridgeDevice();
        boolean bridgeExists = in.current().link(bridge).isPresent();
        String ip = in.self().publicIp().toString();
        List<Finding> out = new ArrayList<>();
        for (Link veth : PodVeths.of(in.current(), bridge)) {
            String dev = veth.name();
            if (PodVeths.detached(veth)) {
                out.add(Catalog.BRIDGE_PORT_DETACHED.finding(in, dev, dev + " master " + bridge,
                        dev + " has no master" + (bridgeExists ? "" : " (" + bridge + " does not exist)"),
                        "pod veth " + dev + " on " + ip + " is not a port of " + bridge
                                + ": its pod is cut off from its gateway and every other pod"));
            }
            // Down is a fault of its own, detached or not: re-attaching does not bring a port up.
            if (!veth.isUp()) {
                out.add(Catalog.BRIDGE_LINK_DOWN.finding(in, dev, dev + " up (port of " + bridge + ")",
                        dev + " down (" + veth.operState() + ")",
                        "pod veth " + dev + " on " + ip + " is down: its pod is cut off from every other pod"));
            }
        }
        return out;
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS); }
}
