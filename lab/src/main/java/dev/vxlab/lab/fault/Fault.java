package dev.vxlab.lab.fault;

import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.lab.spec.ClusterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * A NetworkManager-style corruption of one node, as a value: its id, its node, its parameters, the exact commands a
 * person would type on that node to cause it, the node actions that undo it, and the findings the doctor is expected
 * to name for it. Generators build these; reports print them; the lab's actuator applies them.
 */
public sealed interface Fault {

    /** The fault's public id, e.g. {@code vtep-mac-drift}. */
    String id();

    /** The node it corrupts (name as in the cluster). */
    String node();

    /** The parameters that differ from defaults, for printing and replay. */
    Map<String, String> parameters();

    /** The commands that cause it, as typed on the node. */
    List<List<String>> commands(FaultContext context);

    /** The fault as node actions for the actuator: its commands, in order. */
    default List<NodeAction> actions(FaultContext context) {
        return commands(context).stream().<NodeAction>map(NodeAction.Run::new).toList();
    }

    /**
     * The actions that undo it. Restarting flanneld by default: flanneld re-creates and re-programs its device and
     * entries; faults outside flanneld's reach (cni0, sysctls, MTUs) say which commands restore them.
     */
    default List<NodeAction> heal(FaultContext context) {
        return List.of(new NodeAction.RestartFlanneld());
    }

    /** Whether restarting flanneld alone undoes it. */
    default boolean healedByFlanneld(FaultContext context) {
        return heal(context).equals(List.of(new NodeAction.RestartFlanneld()));
    }

    /**
     * The findings (severity above info) the doctor should name for it once traffic has flowed, on every node: the
     * fault's own, and its mirror on the peer that receives misaddressed frames. Empty where a parameter takes the
     * fault outside what the doctor is checked against (e.g. link-down on a device that is not flannel.1 or cni0).
     */
    Set<ExpectedFinding> expectedFindings(FaultContext context);

    /**
     * Findings the doctor may name beside the expected ones, and need not: mirrors on peers whose evidence depends on
     * timing (a peer's ARP for an address that vanished fails seconds after its first frame to it).
     */
    default Set<ExpectedFinding> possibleFindings(FaultContext context) {
        return Set.of();
    }

    private static Set<ExpectedFinding> on(FaultContext context, String fault, String device) {
        return Set.of(new ExpectedFinding(context.node().name(), fault, device));
    }

    /** The VXLAN device's MAC changes after flannel advertised it (NetworkManager or udev assigned a new one). */
    record VtepMacDrift(String node, Optional<MacAddress> mac) implements Fault {
        public String id() {
            return "vtep-mac-drift";
        }

        public Map<String, String> parameters() {
            return mac.map(m -> Map.of("mac", m.toString())).orElse(Map.of());
        }

        /** The new MAC: the given one, the field's for the field's node, else one derived from the node name. */
        public MacAddress newMac(FaultContext context) {
            MacAddress advertised = context.ownLease().vtepMac();
            return mac.orElseGet(() -> advertised.equals(MacAddress.parse("ea:77:37:86:ee:bf"))
                    ? ClusterSpec.FIELD_DRIFTED_MAC
                    : MacAddress.randomLocal(new Random(node.hashCode() ^ advertised.bits())));
        }

        public List<List<String>> commands(FaultContext context) {
            List<List<String>> commands = new ArrayList<>();
            commands.add(List.of("ip", "link", "set", "dev", context.vtep(), "address", newMac(context).toString()));
            // Changing the MAC deletes the device's neighbor entries; flanneld programs them again, and only with
            // them back does the field's signature appear (SYN-ACKs to the stale MAC dropped as otherhost).
            for (var peer : context.peers()) {
                commands.add(List.of("ip", "neigh", "replace", peer.podCidr().network().toString(), "lladdr",
                        peer.vtepMac().toString(), "dev", context.vtep(), "nud", "permanent"));
            }
            return commands;
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return on(context, FaultIds.VTEP_MAC_DRIFT, context.vtep());
        }
    }

    /** A network-manager restart drops every route through the VXLAN device (the field's step 7). */
    record RoutesFlushed(String node) implements Fault {
        public String id() {
            return "routes-flushed";
        }

        public Map<String, String> parameters() {
            return Map.of();
        }

        public List<List<String>> commands(FaultContext context) {
            return List.of(List.of("ip", "route", "flush", "dev", context.vtep()));
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return on(context, FaultIds.MISSING_PEER_ROUTE, context.vtep());
        }
    }

    /** The VXLAN device loses its address; the kernel then drops every route and neighbor through it. */
    record VtepAddressRemoved(String node) implements Fault {
        public String id() {
            return "vtep-address-removed";
        }

        public Map<String, String> parameters() {
            return Map.of();
        }

        public List<List<String>> commands(FaultContext context) {
            return List.of(List.of("ip", "addr", "del", context.node().vtepAddress() + "/32", "dev", context.vtep()));
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return on(context, FaultIds.VTEP_ADDRESS_MISSING, context.vtep());
        }
    }

    /** Another daemon removes cni0's address: the pods lose their gateway. */
    record BridgeAddressRemoved(String node) implements Fault {
        public String id() {
            return "bridge-address-removed";
        }

        public Map<String, String> parameters() {
            return Map.of();
        }

        public List<List<String>> commands(FaultContext context) {
            return List.of(List.of("ip", "addr", "del", context.node().bridgeAddress().toString(), "dev", "cni0"));
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return on(context, FaultIds.BRIDGE_ADDRESS_MISSING, "cni0");
        }

        public List<NodeAction> heal(FaultContext context) {
            return List.of(NodeAction.Run.of("ip", "addr", "replace", context.node().bridgeAddress().toString(),
                    "dev", "cni0"));
        }
    }

    /** A device a network manager believes it owns is set down. */
    record LinkDown(String node, String device) implements Fault {
        public String id() {
            return "link-down";
        }

        public Map<String, String> parameters() {
            return Map.of("device", device);
        }

        public List<List<String>> commands(FaultContext context) {
            return List.of(List.of("ip", "link", "set", "dev", device, "down"));
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return device.equals(context.vtep()) ? on(context, FaultIds.VTEP_LINK_DOWN, device)
                    : device.equals("cni0") ? on(context, FaultIds.BRIDGE_LINK_DOWN, device) : Set.of();
        }

        /** flanneld brings its own device up again, but not cni0 or the underlay. */
        public List<NodeAction> heal(FaultContext context) {
            return device.equals(context.vtep()) ? Fault.super.heal(context)
                    : List.of(NodeAction.Run.of("ip", "link", "set", "dev", device, "up"));
        }
    }

    /**
     * A network manager sets a device's MTU from its own profile. On the underlay this silently drops the VXLAN
     * frames that no longer fit (a veth drops oversized frames without an ICMP), so small requests pass and large
     * responses stall. (flannel.1 itself cannot be raised above eth0's MTU - 50: the kernel refuses.)
     */
    record MtuReset(String node, String device, int mtu) implements Fault {
        public String id() {
            return "mtu-reset";
        }

        public Map<String, String> parameters() {
            return Map.of("device", device, "mtu", Integer.toString(mtu));
        }

        public List<List<String>> commands(FaultContext context) {
            return List.of(List.of("ip", "link", "set", "dev", device, "mtu", Integer.toString(mtu)));
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return on(context, FaultIds.MTU_MISMATCH, device);
        }

        /** Back to the cluster's MTU: the underlay's for eth0, VXLAN's (underlay - 50) for every other device. */
        public List<NodeAction> heal(FaultContext context) {
            int original = device.equals("eth0") ? context.spec().underlayMtu() : context.spec().vxlanMtu();
            return List.of(NodeAction.Run.of("ip", "link", "set", "dev", device, "mtu", Integer.toString(original)));
        }
    }

    /** A pod's veth is taken off the cni0 bridge. */
    record BridgePortDetached(String node, String pod) implements Fault {
        public String id() {
            return "bridge-port-detached";
        }

        public Map<String, String> parameters() {
            return Map.of("pod", pod);
        }

        public List<List<String>> commands(FaultContext context) {
            var plan = context.spec().podsOn(node).stream().filter(p -> p.name().equals(pod)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no pod '" + pod + "' on node " + node));
            return List.of(List.of("ip", "link", "set", "dev", plan.hostVeth(), "nomaster"));
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return on(context, FaultIds.BRIDGE_PORT_DETACHED, veth(context));
        }

        public List<NodeAction> heal(FaultContext context) {
            return List.of(NodeAction.Run.of("ip", "link", "set", "dev", veth(context), "master", "cni0"));
        }

        private String veth(FaultContext context) {
            return context.spec().podsOn(node).stream().filter(p -> p.name().equals(pod)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no pod '" + pod + "' on node " + node)).hostVeth();
        }
    }

    /** The VXLAN device's neighbor (ARP) entries are flushed, permanent ones included. */
    record NeighborsFlushed(String node) implements Fault {
        public String id() {
            return "neighbors-flushed";
        }

        public Map<String, String> parameters() {
            return Map.of();
        }

        public List<List<String>> commands(FaultContext context) {
            return List.of(List.of("ip", "neigh", "flush", "dev", context.vtep(), "nud", "all"));
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return on(context, FaultIds.MISSING_PEER_NEIGHBOR, context.vtep());
        }
    }

    /** The VXLAN device's forwarding entries for its peers are deleted. */
    record FdbFlushed(String node) implements Fault {
        public String id() {
            return "fdb-flushed";
        }

        public Map<String, String> parameters() {
            return Map.of();
        }

        public List<List<String>> commands(FaultContext context) {
            return context.peers().stream().map(peer -> List.of("bridge", "fdb", "del", peer.vtepMac().toString(),
                    "dev", context.vtep(), "dst", peer.publicIp().toString(), "self")).toList();
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return on(context, FaultIds.MISSING_PEER_FDB, context.vtep());
        }
    }

    /** Strict reverse-path filtering (rp_filter=1), as some distributions' defaults or a hardening script set. */
    record RpFilterStrict(String node, String device) implements Fault {
        public String id() {
            return "rp-filter-strict";
        }

        public Map<String, String> parameters() {
            return Map.of("device", device);
        }

        public List<List<String>> commands(FaultContext context) {
            return List.of(List.of("sysctl", "-w", sysctlKey("net/ipv4/conf/" + device + "/rp_filter") + "=1"));
        }

        /** The kernel flags the devices whose effective rp_filter is strict: "all" makes cni0 and flannel.1 so. */
        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            if (device.equals("all")) {
                return Set.of(new ExpectedFinding(node, FaultIds.RP_FILTER_STRICT, "cni0"),
                        new ExpectedFinding(node, FaultIds.RP_FILTER_STRICT, context.vtep()));
            }
            return device.equals("cni0") || device.equals(context.vtep())
                    ? on(context, FaultIds.RP_FILTER_STRICT, device) : Set.of();
        }

        /** Off again, as a fresh network namespace has it (flanneld never touches sysctls). */
        public List<NodeAction> heal(FaultContext context) {
            return List.of(NodeAction.Run.of("sysctl", "-w", sysctlKey("net/ipv4/conf/" + device + "/rp_filter") + "=0"));
        }
    }

    /** IPv4 forwarding is switched off on the node (a network restart or a hardening profile). */
    record IpForwardOff(String node) implements Fault {
        public String id() {
            return "ip-forward-off";
        }

        public Map<String, String> parameters() {
            return Map.of();
        }

        public List<List<String>> commands(FaultContext context) {
            return List.of(List.of("sysctl", "-w", "net.ipv4.ip_forward=0"));
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return on(context, FaultIds.IP_FORWARD_DISABLED, "");
        }

        public List<NodeAction> heal(FaultContext context) {
            return List.of(NodeAction.Run.of("sysctl", "-w", "net.ipv4.ip_forward=1"));
        }
    }

    /** NetworkManager (or a script) deletes the VXLAN device it thinks it owns. */
    record VxlanDeviceDeleted(String node) implements Fault {
        public String id() {
            return "vxlan-device-deleted";
        }

        public Map<String, String> parameters() {
            return Map.of();
        }

        public List<List<String>> commands(FaultContext context) {
            return List.of(List.of("ip", "link", "del", context.vtep()));
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return on(context, FaultIds.VXLAN_DEVICE_MISSING, context.vtep());
        }
    }

    /**
     * The VXLAN device is deleted and created again by someone else's settings (learning on, another UDP port): it
     * comes back with a new MAC, its address, and none of flannel's peer entries.
     */
    record VxlanDeviceRecreated(String node, int port, boolean learning) implements Fault {
        public String id() {
            return "vxlan-device-recreated";
        }

        public Map<String, String> parameters() {
            return Map.of("port", Integer.toString(port), "learning", Boolean.toString(learning));
        }

        public List<List<String>> commands(FaultContext context) {
            List<String> add = new ArrayList<>(List.of("ip", "link", "add", context.vtep(), "type", "vxlan", "id",
                    Integer.toString(context.spec().vni()), "local", context.node().publicIp().toString(), "dev", "eth0",
                    "dstport", Integer.toString(port)));
            if (!learning) {
                add.add("nolearning");
            }
            return List.of(
                    List.of("ip", "link", "del", context.vtep()),
                    add,
                    // No MTU of its own: the kernel gives a new VXLAN device its underlay's MTU - 50, the network's MTU
                    // on a healthy node; setting that explicitly fails where eth0 was made smaller (found by the
                    // kernel tier: mtu-reset of eth0, then this fault).
                    List.of("ip", "addr", "add", context.node().vtepAddress() + "/32", "dev", context.vtep()),
                    List.of("ip", "link", "set", "dev", context.vtep(), "up"));
        }

        /** Every entry flannel programmed is gone with the old device, and its MAC changed; its settings may differ. */
        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            String vtep = context.vtep();
            Set<ExpectedFinding> out = new java.util.HashSet<>();
            for (String id : List.of(FaultIds.VTEP_MAC_DRIFT, FaultIds.MISSING_PEER_ROUTE,
                    FaultIds.MISSING_PEER_NEIGHBOR, FaultIds.MISSING_PEER_FDB)) {
                out.add(new ExpectedFinding(node, id, vtep));
            }
            if (learning || port != context.spec().vxlanPort()) {
                out.add(new ExpectedFinding(node, FaultIds.VXLAN_CONFIG_MISMATCH, vtep));
            }
            return Set.copyOf(out);
        }
    }

    /** The node's route to one peer's subnet points at another peer's VTEP (a leftover of an old lease). */
    record PeerRouteWrong(String node, String peer) implements Fault {
        public String id() {
            return "peer-route-wrong";
        }

        public Map<String, String> parameters() {
            return Map.of("peer", peer);
        }

        public List<List<String>> commands(FaultContext context) {
            var target = context.peer(peer);
            var other = context.otherPeer(target);
            return List.of(List.of("ip", "route", "replace", target.podCidr().canonical().toString(), "via",
                    other.podCidr().network().toString(), "dev", context.vtep(), "onlink"));
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return on(context, FaultIds.WRONG_PEER_ROUTE, context.vtep());
        }
    }

    /** The FDB entry for one peer's VtepMAC sends its frames to another node's underlay IP. */
    record FdbWrongDst(String node, String peer) implements Fault {
        public String id() {
            return "fdb-wrong-dst";
        }

        public Map<String, String> parameters() {
            return Map.of("peer", peer);
        }

        public List<List<String>> commands(FaultContext context) {
            var target = context.peer(peer);
            var other = context.otherPeer(target);
            return List.of(List.of("bridge", "fdb", "replace", target.vtepMac().toString(), "dev", context.vtep(),
                    "dst", other.publicIp().toString(), "self", "permanent"));
        }

        /** The node that receives the misaddressed frames counts them as otherhost drops. */
        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            var other = context.otherPeer(context.peer(peer));
            return Set.of(new ExpectedFinding(node, FaultIds.WRONG_PEER_FDB_DST, context.vtep()),
                    new ExpectedFinding(other.name(), FaultIds.OTHERHOST_DROPS, context.vtep()));
        }
    }

    /**
     * This node still holds an old VtepMAC for one peer (the peer re-published, this node missed the event): its
     * neighbor and FDB entries for the peer carry a MAC the peer no longer has.
     */
    record PeerMacStale(String node, String peer, Optional<MacAddress> mac) implements Fault {
        public String id() {
            return "peer-mac-stale";
        }

        public Map<String, String> parameters() {
            return mac.map(m -> Map.of("peer", peer, "mac", m.toString())).orElse(Map.of("peer", peer));
        }

        public List<List<String>> commands(FaultContext context) {
            var target = context.peer(peer);
            MacAddress stale = mac.orElseGet(() -> MacAddress.randomLocal(new Random(target.vtepMac().bits())));
            return List.of(
                    List.of("bridge", "fdb", "del", target.vtepMac().toString(), "dev", context.vtep(), "dst",
                            target.publicIp().toString(), "self"),
                    List.of("ip", "neigh", "replace", target.podCidr().network().toString(), "lladdr", stale.toString(),
                            "dev", context.vtep(), "nud", "permanent"),
                    List.of("bridge", "fdb", "replace", stale.toString(), "dev", context.vtep(), "dst",
                            target.publicIp().toString(), "self", "permanent"));
        }

        /** The peer receives frames for a MAC it no longer has and counts them as otherhost drops. */
        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return Set.of(new ExpectedFinding(node, FaultIds.STALE_PEER_VTEP_MAC, context.vtep()),
                    new ExpectedFinding(context.peer(peer).name(), FaultIds.OTHERHOST_DROPS, context.vtep()));
        }
    }

    /**
     * The underlay is renumbered under flannel (a DHCP lease or an administrator gives eth0 another address in the
     * same subnet; the default route comes back with it): flannel's published public-ip and flannel.1's local address
     * are stale, and every peer's FDB still sends this node's frames to the old address.
     */
    record UnderlayRenumbered(String node, Optional<dev.vxlab.detectors.addr.Ipv4> ip) implements Fault {
        public String id() {
            return "underlay-renumbered";
        }

        public Map<String, String> parameters() {
            return ip.map(a -> Map.of("ip", a.toString())).orElse(Map.of());
        }

        /** The new address: the given one, else the highest free host below the gateway, less the node's index. */
        public dev.vxlab.detectors.addr.Ipv4 newAddress(FaultContext context) {
            return ip.orElseGet(() -> {
                var underlay = context.spec().underlay();
                Set<dev.vxlab.detectors.addr.Ipv4> taken = new java.util.HashSet<>();
                context.spec().nodes().forEach(n -> taken.add(n.publicIp()));
                // Counted down from the node's index, so two renumbered nodes never take the same address.
                for (int host = (int) underlay.size() - 3 - context.node().index(); host > 0; host--) {
                    if (!taken.contains(underlay.host(host))) {
                        return underlay.host(host);
                    }
                }
                throw new IllegalArgumentException("the underlay " + underlay + " has no free address");
            });
        }

        public List<List<String>> commands(FaultContext context) {
            String len = "/" + context.spec().underlay().length();
            // Deleting eth0's only address flushes every route through it; the new lease brings the default back.
            return List.of(List.of("ip", "addr", "del", context.node().publicIp() + len, "dev", "eth0"),
                    // replace: the doctor's restore-underlay-address keeps the new address beside the old one
                    List.of("ip", "addr", "replace", newAddress(context) + len, "dev", "eth0"),
                    List.of("ip", "route", "replace", "default", "via", context.spec().gateway().toString(), "dev",
                            "eth0"));
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return on(context, FaultIds.UNDERLAY_ADDRESS_MISSING, "eth0");
        }

        /** Each peer's walk to this node dies at its ARP for the published address once that has failed. */
        public Set<ExpectedFinding> possibleFindings(FaultContext context) {
            return context.spec().nodes().stream().filter(n -> !n.name().equals(context.node().name()))
                    .map(n -> new ExpectedFinding(n.name(), FaultIds.PATH_BROKEN, "eth0"))
                    .collect(java.util.stream.Collectors.toSet());
        }

        /** The old address back (replace: the doctor's fix may have added it already), the default route with it. */
        public List<NodeAction> heal(FaultContext context) {
            String len = "/" + context.spec().underlay().length();
            return List.of(NodeAction.Run.of("ip", "addr", "del", newAddress(context) + len, "dev", "eth0"),
                    NodeAction.Run.of("ip", "addr", "replace", context.node().publicIp() + len, "dev", "eth0"),
                    NodeAction.Run.of("ip", "route", "replace", "default", "via", context.spec().gateway().toString(),
                            "dev", "eth0"));
        }
    }

    /**
     * The default route is deleted (a DHCP client that lost its lease, a hardening script, the kernel with a device
     * that went down). Peers on the underlay's subnet still work; the node's own Service probes and flanneld's next
     * start do not.
     */
    record DefaultRouteRemoved(String node) implements Fault {
        public String id() {
            return "default-route-removed";
        }

        public Map<String, String> parameters() {
            return Map.of();
        }

        public List<List<String>> commands(FaultContext context) {
            return List.of(List.of("ip", "route", "del", "default"));
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return on(context, FaultIds.DEFAULT_ROUTE_MISSING, "eth0");
        }

        public List<NodeAction> heal(FaultContext context) {
            return List.of(NodeAction.Run.of("ip", "route", "replace", "default", "via",
                    context.spec().gateway().toString(), "dev", "eth0"));
        }
    }

    /**
     * This node is a clone of a peer's VM image: its flannel.1 has the peer's MAC (one machine-id, so systemd's
     * MACAddressPolicy=persistent derives the same MAC), and its flanneld, which publishes what it reads from the
     * device at start, published it. Every node then re-programs: the FDB holds one entry per MAC, so frames for both
     * nodes go to this one, which forwards the peer's on.
     */
    record VtepMacCloned(String node, String peer) implements Fault {
        public String id() {
            return "vtep-mac-cloned";
        }

        public Map<String, String> parameters() {
            return Map.of("peer", peer);
        }

        public List<List<String>> commands(FaultContext context) {
            return List.of(List.of("ip", "link", "set", "dev", context.vtep(), "address",
                    context.peer(peer).vtepMac().toString()));
        }

        /** The clone's MAC, then its flanneld (re)start, which publishes it. */
        public List<NodeAction> actions(FaultContext context) {
            List<NodeAction> out = new ArrayList<>(Fault.super.actions(context));
            out.add(new NodeAction.RestartFlanneld());
            return out;
        }

        /**
         * Both nodes name the shared MAC; every other node's FDB sends the peer's MAC to this node instead of the
         * peer's public IP.
         */
        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            var original = context.peer(peer);
            Set<ExpectedFinding> out = new java.util.HashSet<>();
            out.add(new ExpectedFinding(node, FaultIds.DUPLICATE_VTEP_MAC, context.vtep()));
            out.add(new ExpectedFinding(original.name(), FaultIds.DUPLICATE_VTEP_MAC, context.vtep()));
            for (var other : context.peers()) {
                if (!other.name().equals(original.name())) {
                    out.add(new ExpectedFinding(other.name(), FaultIds.WRONG_PEER_FDB_DST, context.vtep()));
                }
            }
            return Set.copyOf(out);
        }

        /**
         * Its own MAC back and flanneld re-publishing it. The peers' entry for the shared MAC went with the clone's
         * old lease, so the peer's entries are gone on every other node until the peer's flanneld re-syncs: the
         * doctor's plan (regenerate-vtep-mac on both, flannel-resync) heals it in full; this heal alone does not.
         */
        public List<NodeAction> heal(FaultContext context) {
            return List.of(NodeAction.Run.of("ip", "link", "set", "dev", context.vtep(), "address",
                    context.node().vtepMac().toString()), new NodeAction.RestartFlanneld());
        }
    }

    /**
     * A container engine takes over the forward hook: Docker (through iptables-nft) leaves {@code table ip filter}
     * with chain FORWARD at policy drop. Everything the node forwards dies: its pods reach nothing off the node and
     * nothing reaches them from other nodes; where bridged frames pass the ip hooks (br_netfilter), pods of the same
     * node lose each other too.
     */
    record ForwardPolicyDrop(String node) implements Fault {
        public String id() {
            return "forward-policy-drop";
        }

        public Map<String, String> parameters() {
            return Map.of();
        }

        public List<List<String>> commands(FaultContext context) {
            return List.of(List.of("nft", "add", "table", "ip", "filter"),
                    List.of("nft", "add", "chain", "ip", "filter", "FORWARD",
                            "{ type filter hook forward priority filter; policy drop; }"));
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return on(context, FaultIds.FIREWALL_DROPS_POD_FORWARDING, "");
        }

        /** The engine's table goes (with any accept rule a fix put in it). */
        public List<NodeAction> heal(FaultContext context) {
            return List.of(NodeAction.Run.of("nft", "delete", "table", "ip", "filter"));
        }
    }

    /**
     * A hardening script drops VXLAN's UDP port on input ({@code table inet hardening}): every frame from the peers
     * dies on arrival, so every path across the node's flannel.1 breaks, both ways (replies arrive by VXLAN too).
     */
    record FirewallDropsVxlanPort(String node) implements Fault {
        public String id() {
            return "firewall-drops-vxlan-port";
        }

        public Map<String, String> parameters() {
            return Map.of();
        }

        public List<List<String>> commands(FaultContext context) {
            return List.of(List.of("nft", "add", "table", "inet", "hardening"),
                    List.of("nft", "add", "chain", "inet", "hardening", "input",
                            "{ type filter hook input priority filter; policy accept; }"),
                    List.of("nft", "add", "rule", "inet", "hardening", "input", "udp", "dport",
                            Integer.toString(context.spec().vxlanPort()), "drop"));
        }

        public Set<ExpectedFinding> expectedFindings(FaultContext context) {
            return on(context, FaultIds.FIREWALL_DROPS_VXLAN, "");
        }

        public List<NodeAction> heal(FaultContext context) {
            return List.of(NodeAction.Run.of("nft", "delete", "table", "inet", "hardening"));
        }
    }

    /** sysctl's dotted form, unless a device name has a dot (flannel.1), where only the slash form is unambiguous. */
    private static String sysctlKey(String slashed) {
        String device = slashed.split("/")[3];
        return device.contains(".") ? slashed : slashed.replace('/', '.');
    }
}
