package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.spi.DetectionInput;
import java.util.ArrayList;
import java.util.List;

/** What the fixes need to know about the input's node: its own lease, its peers, flannel's entries for them. */
final class NodeFacts {
    private NodeFacts() {}

    static AdvertisedNode self(DetectionInput input) {
        return input.advertised().byName(input.nodeName()).orElseThrow();
    }

    static List<AdvertisedNode> peers(DetectionInput input) {
        return input.advertised().nodes().stream().filter(n -> !n.name().equals(input.nodeName())).toList();
    }

    /** flannel's three entries for every peer, in flannel's order: neighbor, FDB, route. Replace is idempotent. */
    static List<NodeAction> peerEntries(DetectionInput input) {
        String dev = input.flannel().vtepDevice();
        List<NodeAction> steps = new ArrayList<>();
        for (AdvertisedNode peer : peers(input)) {
            String vtep = peer.podCidr().network().toString();
            steps.add(NodeAction.Run.of("ip", "neigh", "replace", vtep, "lladdr", peer.vtepMac().toString(), "dev", dev,
                    "nud", "permanent"));
            steps.add(NodeAction.Run.of("bridge", "fdb", "replace", peer.vtepMac().toString(), "dev", dev, "dst",
                    peer.publicIp().toString(), "self", "permanent"));
            steps.add(NodeAction.Run.of("ip", "route", "replace", peer.podCidr().canonical().toString(), "via", vtep, "dev",
                    dev, "onlink"));
        }
        return steps;
    }

    /** flannel.1's MTU: subnet.env's FLANNEL_MTU, else the underlay's MTU less VXLAN's 50 bytes, else 1450. */
    static int vtepMtu(DetectionInput input) {
        if (input.subnetEnv().isPresent()) {
            return input.subnetEnv().get().mtu();
        }
        return input.current().link(input.flannel().vtepDevice())
                .flatMap(l -> l.vxlan()).flatMap(v -> v.underlay())
                .flatMap(u -> input.current().link(u.name())).map(u -> u.mtu() - 50).orElse(1450);
    }
}
