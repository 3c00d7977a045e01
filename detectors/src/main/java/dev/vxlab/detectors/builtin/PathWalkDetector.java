package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.model.OwnSide;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Emits {@code path-broken}: for every peer in the advertised view, walks this node's own side of the path
 * ({@link OwnSide}: a pod's packet from the bridge to a pod of the peer's subnet, then the VXLAN packet to the peer's
 * public IP) on the snapshot alone, and reports where it dies and why, for the causes no list of known faults has.
 *
 * <p>It is a fallback: the doctor runs it after every other detector, and it defers to them. A peer's death is left
 * out when a critical or warning finding of another detector on this node is node-wide, is on flannel's VXLAN device
 * or the pods' bridge (whatever is wrong with them comes first: an address, an MTU, a state, ...), is on the device where the walk died, or
 * names the peer (its name with its subnet, its subnet, or its public IP): that finding already explains it, root
 * cause first. The price: while such a finding stands, an unrelated cause on the same path waits for its fix. One finding per device, naming every peer whose path dies there.
 */
public final class PathWalkDetector implements Detector {

    @Override
    public String name() {
        return "path-walk";
    }

    @Override
    public boolean fallback() {
        return true;
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        return examine(in, List.of());
    }

    @Override
    public List<Finding> examine(DetectionInput in, List<Finding> others) {
        AdvertisedNode self = in.self();
        OwnSide walker = new OwnSide(in.current(), self.podCidr(), in.flannel().bridgeDevice(),
                in.flannel().vtepDevice());
        // Each explaining finding's text is joined once, not once per peer whose path dies.
        List<Explaining> explaining = others.stream()
                .filter(f -> f.severity() == Severity.CRITICAL || f.severity() == Severity.WARNING)
                .map(f -> new Explaining(f.device(), f.expected() + "\n" + f.actual() + "\n" + f.summary())).toList();
        Map<String, PeerProblems> byDevice = new LinkedHashMap<>();
        Map<String, String> firstWhy = new LinkedHashMap<>();
        for (AdvertisedNode peer : in.advertised().nodes()) {
            if (peer.name().equals(self.name())) {
                continue;
            }
            OwnSide.Walk walk = walker.toPeer(peer.podCidr(), peer.publicIp());
            if (!walk.dies()) {
                continue;
            }
            OwnSide.Death death = walk.death().get();
            if (explained(explaining, death, peer, in.flannel())) {
                continue;
            }
            byDevice.computeIfAbsent(death.device(), d -> new PeerProblems(Catalog.PATH_BROKEN))
                    .add(peer, "a pod's packet reaches " + peer.publicIp() + " through " + in.flannel().vtepDevice(),
                            "dies at " + death.hop() + ": " + death.why()
                                    + (walk.hops().isEmpty() ? "" : " (after " + String.join("; ", walk.hops()) + ")"));
            firstWhy.putIfAbsent(death.device(), death.hop() + ": " + death.why());
        }
        List<Finding> findings = new ArrayList<>();
        byDevice.forEach((device, problems) -> problems.finding(in, device, "the path to "
                + Text.count(problems.size(), "peer") + " (" + problems.peerList() + ") dies on this node at "
                + firstWhy.get(device) + "; no other finding names this cause").ifPresent(findings::add));
        return findings;
    }

    /** A finding that may explain a death: its device, and its expected, actual and summary texts joined. */
    private record Explaining(String device, String text) {}

    /** Whether another finding already names the cause: node-wide, on the same device, or naming the peer. */
    private static boolean explained(List<Explaining> others, OwnSide.Death death, AdvertisedNode peer,
                                     dev.vxlab.detectors.spi.FlannelConfig flannel) {
        String ip = peer.publicIp().toString();
        String label = peer.name() + " (";
        String subnet = peer.podCidr().canonical().toString();
        for (Explaining f : others) {
            if (f.device().equals(Finding.NODE_WIDE) || f.device().equals(flannel.vtepDevice())
                    || f.device().equals(flannel.bridgeDevice())
                    || (!death.device().isEmpty() && f.device().equals(death.device()))) {
                return true;
            }
            if (f.text().contains(label) || f.text().contains(subnet) || namesAddress(f.text(), ip)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the text holds the address as a whole one: no digit or dot before it, no digit after it. */
    static boolean namesAddress(String text, String ip) {
        for (int at = text.indexOf(ip); at >= 0; at = text.indexOf(ip, at + 1)) {
            boolean startsClean = at == 0 || !(isDigit(text.charAt(at - 1)) || text.charAt(at - 1) == '.');
            int end = at + ip.length();
            boolean endsClean = end == text.length() || !isDigit(text.charAt(end));
            if (startsClean && endsClean) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
