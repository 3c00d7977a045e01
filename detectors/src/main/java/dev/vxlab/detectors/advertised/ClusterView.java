package dev.vxlab.detectors.advertised;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Every node's advertisement, sorted by node name. Names are unique; other keys need not be (two nodes advertising
 * one subnet or MAC is a fault for a detector to name, not a reason to refuse the view), so those lookups answer the
 * first match in name order and {@link #nodes()} shows all.
 */
public record ClusterView(List<AdvertisedNode> nodes) {

    public ClusterView {
        nodes = Objects.requireNonNull(nodes, "nodes").stream().sorted(Comparator.comparing(AdvertisedNode::name))
                .toList();
        for (int i = 1; i < nodes.size(); i++) {
            if (nodes.get(i).name().equals(nodes.get(i - 1).name())) {
                throw new IllegalArgumentException("node " + nodes.get(i).name() + " is listed twice");
            }
        }
    }

    public Optional<AdvertisedNode> byName(String name) {
        return first(n -> n.name().equals(name));
    }

    /** The node advertising exactly this pod subnet. */
    public Optional<AdvertisedNode> bySubnet(Ipv4Prefix podCidr) {
        return first(n -> n.podCidr().canonical().equals(podCidr.canonical()));
    }

    /** The node whose pod subnet holds the address (a pod IP, or a VTEP address such as 10.187.1.0). */
    public Optional<AdvertisedNode> owning(Ipv4 ip) {
        return first(n -> n.podCidr().contains(ip));
    }

    public Optional<AdvertisedNode> byPublicIp(Ipv4 publicIp) {
        return first(n -> n.publicIp().equals(publicIp));
    }

    public Optional<AdvertisedNode> byVtepMac(MacAddress mac) {
        return first(n -> n.vtepMac().equals(mac));
    }

    private Optional<AdvertisedNode> first(Predicate<AdvertisedNode> test) {
        return nodes.stream().filter(test).findFirst();
    }
}
