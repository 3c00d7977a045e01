package dev.vxlab.lab.fault;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.lab.spec.ClusterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A NetworkManager-style corruption of one node, as a value: its id, its node, its parameters, and the exact
 * commands a person would type on that node to cause it. Generators build these; reports print them.
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
                    List.of("ip", "link", "set", "dev", context.vtep(), "mtu", Integer.toString(context.spec().vxlanMtu())),
                    List.of("ip", "addr", "add", context.node().vtepAddress() + "/32", "dev", context.vtep()),
                    List.of("ip", "link", "set", "dev", context.vtep(), "up"));
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
    }

    /** sysctl's dotted form, unless a device name has a dot (flannel.1), where only the slash form is unambiguous. */
    private static String sysctlKey(String slashed) {
        String device = slashed.split("/")[3];
        return device.contains(".") ? slashed : slashed.replace('/', '.');
    }
}
