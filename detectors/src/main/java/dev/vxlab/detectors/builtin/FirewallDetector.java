package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.firewall.Evaluator;
import dev.vxlab.detectors.firewall.Evaluator.Packet;
import dev.vxlab.detectors.firewall.Ruleset;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Emits {@code firewall-drops-vxlan} and {@code firewall-drops-pod-forwarding}: the node's nftables ruleset (read
 * beside the snapshot) is asked what it does to flannel's traffic, packet by packet ({@link Evaluator}): VXLAN's UDP
 * port from each peer's public IP arriving on the underlay, and a new TCP connection forwarded from a peer's pod
 * through flannel.1 into cni0, and back out. firewalld's default zone rejects both.
 */
public final class FirewallDetector implements Detector {
    /** A pod port for the forwarding question; firewalld's zones do not single out ports for forwarded traffic. */
    private static final int POD_PORT = 80;

    @Override
    public String name() {
        return "firewall";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        Ruleset ruleset = in.current().firewall();
        if (!ruleset.inspected() || ruleset.chains().isEmpty()) {
            return List.of();
        }
        AdvertisedNode self = in.self();
        String vtep = in.flannel().vtepDevice();
        String bridge = in.flannel().bridgeDevice();
        String underlay = in.current().addresses().stream().filter(a -> a.prefix().address().equals(self.publicIp()))
                .map(a -> a.link().name()).findFirst().orElse("eth0");
        List<Finding> out = new ArrayList<>();
        List<AdvertisedNode> peers = in.advertised().nodes().stream().filter(n -> !n.name().equals(self.name()))
                .toList();
        for (AdvertisedNode peer : peers) {
            Packet vxlan = Packet.input(underlay, peer.publicIp(), self.publicIp(), "udp", in.flannel().port());
            Evaluator.Verdict verdict = Evaluator.evaluate(ruleset, vxlan);
            if (verdict.dropped()) {
                out.add(Catalog.FIREWALL_DROPS_VXLAN.finding(in, Finding.NODE_WIDE,
                        "VXLAN (udp/" + in.flannel().port() + ") from every peer accepted",
                        vxlan.describe() + " dropped by " + verdict.where(),
                        "the firewall on " + self.publicIp() + " drops VXLAN from " + peer.publicIp()
                                + ": no cross-node pod traffic reaches this node"));
                break;
            }
        }
        Optional<AdvertisedNode> peer = peers.stream().findFirst();
        if (peer.isPresent()) {
            Ipv4 remotePod = host(peer.get(), 2);
            Ipv4 localPod = host(self, 2);
            for (Packet packet : List.of(Packet.forward(vtep, bridge, remotePod, localPod, "tcp", POD_PORT),
                    Packet.forward(bridge, vtep, localPod, remotePod, "tcp", POD_PORT))) {
                Evaluator.Verdict verdict = Evaluator.evaluate(ruleset, packet);
                if (verdict.dropped()) {
                    out.add(Catalog.FIREWALL_DROPS_POD_FORWARDING.finding(in, Finding.NODE_WIDE,
                            "pod traffic forwarded between " + vtep + " and " + bridge + " accepted",
                            packet.describe() + " dropped by " + verdict.where(),
                            "the firewall on " + self.publicIp() + " drops pod traffic forwarded between " + vtep
                                    + " and " + bridge + ": pods here and on other nodes cannot talk"));
                    break;
                }
            }
        }
        return out;
    }

    private static Ipv4 host(AdvertisedNode node, int n) {
        return new Ipv4(node.podCidr().network().bits() + n);
    }
}
