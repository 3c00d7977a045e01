package dev.vxlab.lab.cli;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.PodPlan;
import java.util.Optional;

/** Resolves a trace's source as the model names namespaces: a node's name, or a pod's label (app@NODE). */
final class TraceEnds {
    private TraceEnds() {}

    static String source(ClusterSpec spec, String text) throws LabException {
        Optional<PodPlan> byLabel = spec.pods().stream().filter(p -> p.label().equals(text)).findFirst();
        if (byLabel.isPresent()) {
            return byLabel.get().label();
        }
        try {
            Ipv4 ip = Ipv4.parse(text);
            Optional<PodPlan> byIp = spec.pods().stream().filter(p -> p.ip().equals(ip)).findFirst();
            if (byIp.isPresent()) {
                return byIp.get().label();
            }
        } catch (IllegalArgumentException notAnAddress) {
            // a node name or index, then
        }
        return spec.findNode(text).map(n -> n.name()).orElseThrow(() -> new LabException("--trace SRC '" + text
                + "' is no node (name, IP or index) and no pod (like " + spec.pods().getFirst().label() + ", or its IP)"));
    }
}
