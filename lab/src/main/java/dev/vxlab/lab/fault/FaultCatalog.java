package dev.vxlab.lab.fault;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.lab.spec.ClusterSpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/** The faults vxlab knows, by id: what each models, which parameters it takes, and how to build one. */
public enum FaultCatalog {
    VTEP_MAC_DRIFT("vtep-mac-drift", "flannel.1's MAC changes after flannel advertised it (the field bug)",
            Set.of("mac"), (node, p) -> new Fault.VtepMacDrift(node,
                    Optional.ofNullable(p.get("mac")).map(FaultCatalog::mac))),
    ROUTES_FLUSHED("routes-flushed", "a NetworkManager restart drops the routes to the peers' subnets",
            Set.of(), (node, p) -> new Fault.RoutesFlushed(node)),
    VTEP_ADDRESS_REMOVED("vtep-address-removed", "flannel.1 loses its address (and with it routes and neighbors)",
            Set.of(), (node, p) -> new Fault.VtepAddressRemoved(node)),
    BRIDGE_ADDRESS_REMOVED("bridge-address-removed", "cni0 loses its address: pods lose their gateway",
            Set.of(), (node, p) -> new Fault.BridgeAddressRemoved(node)),
    LINK_DOWN("link-down", "a device is set down (device=flannel.1 by default)",
            Set.of("device"), (node, p) -> new Fault.LinkDown(node, p.getOrDefault("device", "flannel.1"))),
    MTU_RESET("mtu-reset", "a network manager sets a device's MTU (device=eth0 mtu=1400 by default: the "
            + "underlay shrinks below flannel.1's 1450 + 50, so large replies to the node are dropped)",
            Set.of("device", "mtu"), (node, p) -> new Fault.MtuReset(node, p.getOrDefault("device", "eth0"),
                    integer("mtu", p.getOrDefault("mtu", "1400"), 68, 65535))),
    BRIDGE_PORT_DETACHED("bridge-port-detached", "a pod's veth is taken off cni0 (pod=app by default)",
            Set.of("pod"), (node, p) -> new Fault.BridgePortDetached(node, p.getOrDefault("pod", "app"))),
    NEIGHBORS_FLUSHED("neighbors-flushed", "flannel.1's neighbor entries are flushed, permanent ones too",
            Set.of(), (node, p) -> new Fault.NeighborsFlushed(node)),
    FDB_FLUSHED("fdb-flushed", "flannel.1's FDB entries for the peers are deleted",
            Set.of(), (node, p) -> new Fault.FdbFlushed(node)),
    RP_FILTER_STRICT("rp-filter-strict", "strict reverse-path filtering (device=all by default)",
            Set.of("device"), (node, p) -> new Fault.RpFilterStrict(node, p.getOrDefault("device", "all"))),
    IP_FORWARD_OFF("ip-forward-off", "IPv4 forwarding is switched off",
            Set.of(), (node, p) -> new Fault.IpForwardOff(node)),
    VXLAN_DEVICE_DELETED("vxlan-device-deleted", "flannel.1 is deleted (with every entry through it)",
            Set.of(), (node, p) -> new Fault.VxlanDeviceDeleted(node)),
    VXLAN_DEVICE_RECREATED("vxlan-device-recreated", "flannel.1 is re-created by someone else: new MAC, no peer "
            + "entries, port=4789 learning=true by default", Set.of("port", "learning"),
            (node, p) -> new Fault.VxlanDeviceRecreated(node, integer("port", p.getOrDefault("port", "4789"), 1, 65535),
                    bool("learning", p.getOrDefault("learning", "true")))),
    PEER_ROUTE_WRONG("peer-route-wrong", "the route to a peer's subnet points at another peer's VTEP "
            + "(peer=the next node by default)", Set.of("peer"),
            (node, p) -> new Fault.PeerRouteWrong(node, p.get("peer"))),
    FDB_WRONG_DST("fdb-wrong-dst", "a peer's FDB entry sends its frames to another node's IP "
            + "(peer=the next node by default)", Set.of("peer"),
            (node, p) -> new Fault.FdbWrongDst(node, p.get("peer"))),
    PEER_MAC_STALE("peer-mac-stale", "this node keeps an old VtepMAC for a peer in its neighbor and FDB entries "
            + "(peer=the next node by default)", Set.of("peer", "mac"),
            (node, p) -> new Fault.PeerMacStale(node, p.get("peer"),
                    Optional.ofNullable(p.get("mac")).map(FaultCatalog::mac))),
    UNDERLAY_RENUMBERED("underlay-renumbered", "eth0 gets another address in the underlay's subnet (ip=a free "
            + "host below the gateway by default); flannel's published public-ip and the peers' FDB are stale",
            Set.of("ip"), (node, p) -> new Fault.UnderlayRenumbered(node,
                    Optional.ofNullable(p.get("ip")).map(dev.vxlab.detectors.addr.Ipv4::parse))),
    DEFAULT_ROUTE_REMOVED("default-route-removed", "the default route is deleted: the node's own Service probes "
            + "fail, and flanneld's next start finds no interface", Set.of(),
            (node, p) -> new Fault.DefaultRouteRemoved(node)),
    VTEP_MAC_CLONED("vtep-mac-cloned", "the node is a clone of a peer's image: its flannel.1 gets the peer's MAC and "
            + "its flanneld publishes it (peer=the next node by default)", Set.of("peer"),
            (node, p) -> new Fault.VtepMacCloned(node, p.get("peer"))),
    FORWARD_POLICY_DROP("forward-policy-drop", "a container engine sets the forward hook's policy to drop (Docker's "
            + "FORWARD DROP: table ip filter through iptables-nft)", Set.of(),
            (node, p) -> new Fault.ForwardPolicyDrop(node)),
    FIREWALL_DROPS_VXLAN_PORT("firewall-drops-vxlan-port", "a hardening script's nft rule drops VXLAN's UDP port on "
            + "input (table inet hardening)", Set.of(), (node, p) -> new Fault.FirewallDropsVxlanPort(node));

    private final String id;
    private final String summary;
    private final Set<String> parameters;
    private final BiFunction<String, Map<String, String>, Fault> factory;

    FaultCatalog(String id, String summary, Set<String> parameters,
            BiFunction<String, Map<String, String>, Fault> factory) {
        this.id = id;
        this.summary = summary;
        this.parameters = parameters;
        this.factory = factory;
    }

    public String id() {
        return id;
    }

    public String summary() {
        return summary;
    }

    public Set<String> parameters() {
        return new TreeSet<>(parameters);
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(FaultCatalog::id).toList();
    }

    public static FaultCatalog byId(String id) {
        return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown fault '" + id + "'; known faults: "
                        + String.join(", ", ids())));
    }

    /**
     * Builds a fault for a node of the cluster. Throws {@link IllegalArgumentException} with one sentence for an
     * unknown fault, an unknown or malformed parameter, or a node the cluster does not have.
     */
    public static Fault create(String id, String node, Map<String, String> parameters, ClusterSpec spec) {
        FaultCatalog type = byId(id);
        for (String key : parameters.keySet()) {
            if (!type.parameters.contains(key)) {
                throw new IllegalArgumentException("fault '" + id + "' has no parameter '" + key + "'"
                        + (type.parameters.isEmpty() ? "; it takes none" : "; it takes " + type.parameters()));
            }
        }
        String nodeName = spec.node(node).name();
        Map<String, String> effective = new HashMap<>(parameters);
        if (type.parameters.contains("peer") && !effective.containsKey("peer")) { // default: the next node
            int index = spec.node(nodeName).index();
            effective.put("peer", spec.nodes().get((index + 1) % spec.nodes().size()).name());
        }
        Fault fault = type.factory.apply(nodeName, effective);
        if (fault instanceof Fault.BridgePortDetached detached && spec.podsOn(nodeName).stream()
                .noneMatch(p -> p.name().equals(detached.pod()))) {
            throw new IllegalArgumentException("no pod '" + detached.pod() + "' on node " + nodeName + "; pods there: "
                    + spec.podsOn(nodeName).stream().map(p -> p.name()).toList());
        }
        return fault;
    }

    private static MacAddress mac(String text) {
        MacAddress mac = MacAddress.parse(text);
        if ((mac.bits() & (1L << 40)) != 0) {
            throw new IllegalArgumentException("mac=" + text + " is a multicast address; a device needs a unicast MAC");
        }
        return mac;
    }

    private static boolean bool(String key, String text) {
        return switch (text.trim().toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(key + "=" + text + " is not true or false");
        };
    }

    private static int integer(String key, String text, int min, int max) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // fall through to the sentence below
        }
        throw new IllegalArgumentException(key + "=" + text + " is not a whole number from " + min + " to " + max);
    }
}
