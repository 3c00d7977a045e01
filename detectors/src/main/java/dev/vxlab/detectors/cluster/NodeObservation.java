package dev.vxlab.detectors.cluster;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.FlannelConfig;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NodeState;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one node shows about itself and its peers, as far as the cluster view needs it.
 *
 * @param node           the node's name in the NodeList
 * @param deviceMac      its VXLAN device's MAC; empty when the device is missing or unknown
 * @param addresses      the IPv4 addresses its links hold (empty when unknown)
 * @param peerNeighbors  the MAC this node holds for each peer's VTEP address (its neighbor entries on the VXLAN
 *                       device), or empty when only the node's findings were seen: then a peer is taken to hold what
 *                       was published, which is what flannel programs and what its doctor then finds nothing wrong with
 */
public record NodeObservation(String node, Optional<MacAddress> deviceMac, List<Ipv4> addresses,
                              Optional<Map<Ipv4, MacAddress>> peerNeighbors) {
    private static final Pattern LINK_ETHER = Pattern.compile("link/ether ([0-9a-fA-F:]{17})");

    public NodeObservation {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(deviceMac, "deviceMac");
        addresses = List.copyOf(addresses);
        peerNeighbors = peerNeighbors.map(m -> Map.copyOf(new TreeMap<>(m)));
    }

    /** From a node's snapshot: the device's MAC, every address, the neighbor entries of the VXLAN device. */
    public static NodeObservation ofSnapshot(String node, NodeState state, FlannelConfig flannel) {
        Optional<Link> vtep = state.link(flannel.vtepDevice()).filter(l -> l.isKind("vxlan"));
        Map<Ipv4, MacAddress> neighbors = new TreeMap<>();
        for (Neighbor n : state.neighborsOf(flannel.vtepDevice())) {
            n.mac().ifPresent(mac -> neighbors.put(n.ip(), mac));
        }
        return new NodeObservation(node, vtep.flatMap(Link::mac),
                state.addresses().stream().map(a -> a.prefix().address()).distinct().toList(),
                Optional.of(neighbors));
    }

    /**
     * From a node's doctor's findings (its {@code --json}): the device's MAC is the one a {@code vtep-mac-drift}
     * finding names, else the published one unless the device is missing; addresses and neighbors are unknown.
     */
    public static NodeObservation ofFindings(String node, MacAddress published, List<Finding> findings) {
        Optional<MacAddress> device = Optional.of(published);
        for (Finding f : findings) {
            if (f.fault().equals(FaultIds.VXLAN_DEVICE_MISSING)) {
                device = Optional.empty();
            }
            if (f.fault().equals(FaultIds.VTEP_MAC_DRIFT)) {
                Matcher m = LINK_ETHER.matcher(f.actual());
                if (m.find()) {
                    device = Optional.of(MacAddress.parse(m.group(1)));
                }
            }
        }
        return new NodeObservation(node, device, List.of(), Optional.empty());
    }
}
