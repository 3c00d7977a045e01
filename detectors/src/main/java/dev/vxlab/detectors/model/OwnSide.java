package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.firewall.Evaluator;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.RoutingRule;
import dev.vxlab.detectors.state.VxlanInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One node's own side of the path to a peer, walked on that node's snapshot alone, through everything the kernel
 * consults: (a) a pod's packet entering from the bridge towards a pod of the peer's subnet: ip_forward, the policy
 * rules and every table they name ({@link PolicyRouting}), the output device, the forward filters (when the snapshot
 * holds the ruleset: {@link Evaluator}), the neighbor of the next hop on the VXLAN device and the FDB entry for its MAC;
 * then (b) the encapsulated UDP packet from the VTEP's local address to that entry's destination: the rules and
 * tables again (a locally sent packet, iif lo, not bound to a device: flannel's FDB entries carry no "via"), the
 * underlay device and its neighbor for the next hop; (c) the way back: the peer's VXLAN packet to the local VTEP
 * address (input route lookup, input filters) and its pod's packet forwarded from the VXLAN device to the bridge.
 *
 * <p>Where the snapshot cannot tell (a rule selecting on ports or uids, a learning VXLAN device resolving by flood, an
 * underlay neighbor not yet resolved) the walk ends without a death: it names only what the kernel would surely do.
 * One walker per snapshot and pass, reusable for every peer: it indexes the node's routes, neighbors and FDB once and
 * remembers its routing decisions and filter verdicts for the pass, so it is not for sharing between threads.
 */
public final class OwnSide {
    /** A pod's TCP packet as the filters see it: any port would do, flannel does not filter by port. */
    private static final int POD_PORT = 80;

    /** Where a walk dies: the hop ("route lookup", "underlay neighbor", ...), its device ("" when none), and why. */
    public record Death(String hop, String device, String why) {}

    /** The hops the walk passed (one line each, for evidence) and where it died, if it did. */
    public record Walk(List<String> hops, Optional<Death> death) {
        private static final Walk CLEAR = new Walk(List.of(), Optional.empty());

        public Walk {
            hops = hops == null ? List.of() : List.copyOf(hops);
        }

        public boolean dies() {
            return death.isPresent();
        }
    }

    private final NodeState node;
    private final Namespace ns;
    private final PolicyRouting routing;
    private final String bridge;
    private final String vtepDevice;
    private final Ipv4 podSource; // the walk's pod, in the node's own subnet
    private final Evaluator.Verdicts verdicts;

    /**
     * @param node       the node's snapshot
     * @param podCidr    the node's own pod subnet (the walk's pod source address is in it)
     * @param bridge     the bridge pods hang off ("cni0")
     * @param vtepDevice flannel's VXLAN device ("flannel.1")
     */
    public OwnSide(NodeState node, Ipv4Prefix podCidr, String bridge, String vtepDevice) {
        this.node = node;
        this.ns = new Namespace("node", node);
        this.routing = new PolicyRouting(ns, node.rules());
        this.bridge = bridge;
        this.vtepDevice = vtepDevice;
        this.podSource = podAddress(podCidr);
        this.verdicts = new Evaluator.Verdicts(node.firewall());
    }

    /** A pod address of the subnet (not its network, bridge or broadcast address). */
    static Ipv4 podAddress(Ipv4Prefix subnet) {
        return new Ipv4(subnet.network().bits() + (subnet.length() <= 30 ? 2 : 0));
    }

    /**
     * Walks a pod's packet to a pod of the peer's subnet, the VXLAN packet towards the peer's public IP, and the way
     * back. The hops are kept only when the walk dies (a healthy peer costs no text): see {@link #trace}.
     */
    public Walk toPeer(Ipv4Prefix peerPodCidr, Ipv4 peerPublicIp) {
        Walk quick = walk(peerPodCidr, peerPublicIp, null);
        return quick.dies() ? walk(peerPodCidr, peerPublicIp, new ArrayList<>()) : quick;
    }

    /** The same walk with every hop it passed kept. */
    public Walk trace(Ipv4Prefix peerPodCidr, Ipv4 peerPublicIp) {
        return walk(peerPodCidr, peerPublicIp, new ArrayList<>());
    }

    /** A hop's line, made only when the hops are kept ({@code hops} null: not kept). */
    private static void hop(List<String> hops, java.util.function.Supplier<String> line) {
        if (hops != null) {
            hops.add(line.get());
        }
    }

    private Walk walk(Ipv4Prefix peerPodCidr, Ipv4 peerPublicIp, List<String> hops) {
        Ipv4 src = podSource;
        Ipv4 dst = podAddress(peerPodCidr);
        // (a) the pod's packet, forwarded from the bridge
        if (!node.sysctls().ipForward()) {
            return dies(hops, "ip_forward", "", "net.ipv4.ip_forward=0: a packet from " + src + " on " + bridge
                    + " is not forwarded to " + dst);
        }
        if (!node.sysctls().forwardsFrom(bridge)) {
            return dies(hops, "forwarding", bridge, "net.ipv4.conf." + bridge + ".forwarding=0: what pods send on "
                    + bridge + " is not forwarded (to " + dst + " or anywhere)");
        }
        PolicyRouting.Lookup lookup = routing.lookup(src, dst, bridge);
        Optional<Death> refused = refused(lookup, "route lookup", vtepDevice, dst, () -> src + " (iif " + bridge + ")");
        if (refused.isPresent() || lookup.unmodelled().isPresent()) {
            return ends(hops, refused);
        }
        Route route = lookup.route().orElseThrow();
        hop(hops, () -> "route " + dst + ": " + Routing.text(route) + via(lookup));
        if (route.type() == Route.Type.LOCAL) {
            return dies(hops, "route lookup", vtepDevice, "route lookup for " + dst + " found " + Routing.text(route)
                    + via(lookup) + ": the peer's pod address is local here, so it is never forwarded");
        }
        if (route.dev().isEmpty()) {
            return ends(hops, Optional.empty()); // multipath: the snapshot does not keep its next hops
        }
        Optional<Link> outLink = ns.link(route.dev().get());
        if (outLink.isEmpty()) {
            return ends(hops, Optional.empty()); // a device the link dump did not list
        }
        Link out = outLink.get();
        if (!out.name().equals(vtepDevice)) {
            return dies(hops, "route lookup", vtepDevice, "route lookup for " + dst + " from " + src + " (iif "
                    + bridge + ") found " + Routing.text(route) + via(lookup) + ": it leaves through " + out.name()
                    + ", not " + vtepDevice + ", so it never enters the overlay");
        }
        Optional<Death> downOrNoCarrier = deviceState(out, "output device");
        if (downOrNoCarrier.isPresent()) {
            return ends(hops, downOrNoCarrier);
        }
        if (node.firewall().inspected()) {
            Evaluator.Verdict verdict = filters(
                    Evaluator.Packet.forward(bridge, out.name(), src, dst, "tcp", POD_PORT));
            if (verdict.dropped()) {
                return dies(hops, "filter", out.name(), "tcp " + src + " -> " + dst + ":" + POD_PORT + " forwarded from "
                        + bridge + " to " + out.name() + " is dropped by " + verdict.where());
            }
            hop(hops, () -> "forward filters accept " + src + " -> " + dst);
        }
        Ipv4 nextHop = Routing.nextHop(route, dst);
        if (out.vxlan().isEmpty()) {
            return dies(hops, "output device", out.name(), out.name() + " is not a VXLAN device");
        }
        VxlanInfo vxlan = out.vxlan().get();
        Optional<Neighbor> neighbor = ns.neighbor(out, nextHop);
        if (neighbor.isEmpty() || !Routing.usable(neighbor.get())) {
            if (vxlan.learning() || ns.fdb(out, Vxlan.FLOOD).isPresent()) {
                return ends(hops, Optional.empty()); // resolved by flooding ARP: only the peers can tell
            }
            return dies(hops, "neighbor", out.name(), neighbor.map(n -> "the neighbor entry " + Routing.text(n)
                    + " of next hop " + nextHop + " on " + out.name() + " is not usable").orElse("no neighbor entry for"
                    + " next hop " + nextHop + " on " + out.name())
                    + ": a nolearning VXLAN device cannot resolve it (flanneld programs it)");
        }
        MacAddress mac = neighbor.get().mac().orElseThrow();
        hop(hops, () -> "neighbor " + Routing.text(neighbor.get()));
        Optional<FdbEntry> entry = ns.fdb(out, mac).or(() -> ns.fdb(out, Vxlan.FLOOD));
        if (entry.isEmpty()) {
            return dies(hops, "fdb", out.name(), "no FDB entry for " + mac + " (the neighbor of " + nextHop + ") on "
                    + out.name() + ": the VXLAN device has no VTEP to send it to");
        }
        Ipv4 remote = entry.get().dst().orElseThrow();
        hop(hops, () -> "fdb " + entry.get());
        if (!remote.equals(peerPublicIp)) {
            return dies(hops, "fdb", out.name(), "the FDB entry " + entry.get() + " sends " + dst + " to " + remote
                    + ", not to the peer's public IP " + peerPublicIp);
        }
        // (b) the encapsulated packet, sent from this node
        Optional<Ipv4> local = vxlan.local();
        Ipv4 outerSrc = local.orElse(new Ipv4(0));
        PolicyRouting.Lookup outer = routing.lookup(outerSrc, remote, "lo");
        String underlayHint = vxlan.underlay().map(u -> u.name()).orElse("");
        Optional<Death> outerRefused = refused(outer, "underlay route lookup", underlayHint, remote,
                () -> local.map(Ipv4::toString).orElse("this node") + " (UDP " + vxlan.port() + ", sent here)");
        if (outerRefused.isPresent() || outer.unmodelled().isPresent()) {
            return ends(hops, outerRefused);
        }
        Route outerRoute = outer.route().orElseThrow();
        hop(hops, () -> "route " + remote + ": " + Routing.text(outerRoute) + via(outer));
        if (outerRoute.type() == Route.Type.LOCAL) {
            return dies(hops, "underlay route lookup", underlayHint, remote + " is an address of this node ("
                    + Routing.text(outerRoute) + via(outer) + "): the VXLAN packet never leaves it");
        }
        if (outerRoute.dev().isEmpty()) {
            return ends(hops, Optional.empty()); // multipath: the snapshot does not keep its next hops
        }
        Optional<Link> underlayLink = ns.link(outerRoute.dev().get());
        if (underlayLink.isEmpty()) {
            return ends(hops, Optional.empty());
        }
        Link underlay = underlayLink.get();
        if (underlay.isKind("vxlan")) {
            return dies(hops, "underlay route lookup", underlay.name(), "route lookup for " + remote + " found "
                    + Routing.text(outerRoute) + via(outer) + ": the VXLAN packet would be encapsulated again");
        }
        Optional<Death> underlayState = deviceState(underlay, "underlay device");
        if (underlayState.isPresent()) {
            return ends(hops, underlayState);
        }
        Ipv4 underlayHop = Routing.nextHop(outerRoute, remote);
        Optional<Neighbor> arp = ns.neighbor(underlay, underlayHop);
        if (arp.isPresent() && (arp.get().has(Neighbor.State.FAILED) || arp.get().has(Neighbor.State.INCOMPLETE))
                && !Routing.usable(arp.get())) {
            return dies(hops, "underlay neighbor", underlay.name(), "the neighbor entry " + Routing.text(arp.get())
                    + " of " + underlayHop + " on " + underlay.name() + ": ARP for the next hop got no answer"
                    + " (the kernel asks again with the next packet; a peer that answers clears this)");
        }
        arp.filter(Routing::usable).ifPresent(n -> hop(hops, () -> "underlay neighbor " + Routing.text(n)));
        return fromPeer(hops, src, dst, underlay, vxlan, peerPublicIp);
    }

    /**
     * (c) the way back: the peer's VXLAN packet arriving on the underlay (input route lookup to the local VTEP address,
     * input filters), then the decapsulated packet from the peer's pod forwarded from the VXLAN device to the bridge
     * (route lookup with iif of the VXLAN device, the bridge's state, forward filters). TCP needs both directions.
     */
    private Walk fromPeer(List<String> hops, Ipv4 localPod, Ipv4 peerPod, Link underlay, VxlanInfo vxlan,
                          Ipv4 peerPublicIp) {
        if (vxlan.local().isPresent()) {
            Ipv4 local = vxlan.local().get();
            PolicyRouting.Lookup in = routing.lookup(peerPublicIp, local, underlay.name());
            Optional<Death> refused = refused(in, "underlay input route lookup", underlay.name(), local,
                    () -> peerPublicIp + " (iif " + underlay.name() + ", the peer's VXLAN packet)");
            if (refused.isPresent() || in.unmodelled().isPresent()) {
                return ends(hops, refused);
            }
            Route route = in.route().orElseThrow();
            if (route.type() != Route.Type.LOCAL) {
                return dies(hops, "underlay input route lookup", underlay.name(), "route lookup for " + local
                        + " from " + peerPublicIp + " (iif " + underlay.name() + ") found " + Routing.text(route)
                        + via(in) + ": the peer's VXLAN packets are not delivered to this node's VTEP");
            }
            if (node.firewall().inspected()) {
                Evaluator.Verdict verdict = filters(Evaluator.Packet.input(underlay.name(),
                        peerPublicIp, local, "udp", vxlan.port()));
                if (verdict.dropped()) {
                    return dies(hops, "input filter", underlay.name(), "udp " + peerPublicIp + " -> " + local + ":"
                            + vxlan.port() + " (the peer's VXLAN packet) is dropped by " + verdict.where());
                }
            }
            hop(hops, () -> "the peer's VXLAN packet is delivered to " + local + ":" + vxlan.port());
        }
        if (ns.link(bridge).isEmpty()) {
            return ends(hops, Optional.empty()); // no pods here yet: flannel's CNI creates the bridge with the first
        }
        if (!node.sysctls().ipForward()) {
            return dies(hops, "ip_forward", "", "net.ipv4.ip_forward=0: a packet from " + peerPod + " on "
                    + vtepDevice + " is not forwarded to " + localPod);
        }
        if (!node.sysctls().forwardsFrom(vtepDevice)) {
            return dies(hops, "forwarding", vtepDevice, "net.ipv4.conf." + vtepDevice.replace('.', '/')
                    + ".forwarding=0: what arrives from " + peerPod + " on " + vtepDevice + " is not forwarded to "
                    + localPod);
        }
        PolicyRouting.Lookup back = routing.lookup(peerPod, localPod, vtepDevice);
        Optional<Death> refused = refused(back, "inbound route lookup", bridge, localPod, () -> peerPod + " (iif "
                + vtepDevice + ")");
        if (refused.isPresent() || back.unmodelled().isPresent()) {
            return ends(hops, refused);
        }
        Route route = back.route().orElseThrow();
        if (route.type() == Route.Type.LOCAL || route.dev().isEmpty()) {
            return ends(hops, Optional.empty());
        }
        Optional<Link> out = ns.link(route.dev().get());
        if (out.isEmpty()) {
            return ends(hops, Optional.empty());
        }
        if (!out.get().name().equals(bridge)) {
            return dies(hops, "inbound route lookup", bridge, "route lookup for " + localPod + " from " + peerPod
                    + " (iif " + vtepDevice + ") found " + Routing.text(route) + via(back) + ": it leaves through "
                    + out.get().name() + ", not the pods' bridge " + bridge);
        }
        // Only its admin state: a bridge without carrier has no port up, which is about the pods, not the path (and
        // the bridge-ports detectors name a detached or down veth).
        if (!out.get().isUp()) {
            return dies(hops, "bridge", bridge, bridge + " is down");
        }
        if (node.firewall().inspected()) {
            Evaluator.Verdict verdict = filters(
                    Evaluator.Packet.forward(vtepDevice, bridge, peerPod, localPod, "tcp", POD_PORT));
            if (verdict.dropped()) {
                return dies(hops, "filter", vtepDevice, "tcp " + peerPod + " -> " + localPod + ":" + POD_PORT
                        + " forwarded from " + vtepDevice + " to " + bridge + " is dropped by " + verdict.where());
            }
        }
        hop(hops, () -> "the peer's pod packet is forwarded to " + bridge);
        return ends(hops, Optional.empty());
    }

    /**
     * The firewall's verdict on a packet, remembered for the pass: a walk that dies is walked again to keep its hops
     * and asks the same packets, and a ruleset that does not match on addresses treats every peer's packet alike.
     */
    private Evaluator.Verdict filters(Evaluator.Packet packet) {
        return verdicts.of(packet);
    }

    /** The walk's end: one shared instance for a walk that passes without keeping hops (every healthy peer). */
    private static Walk ends(List<String> hops, Optional<Death> death) {
        return hops == null && death.isEmpty() ? Walk.CLEAR : new Walk(hops, death);
    }

    private static Walk dies(List<String> hops, String hop, String device, String why) {
        return ends(hops, Optional.of(new Death(hop, device, why)));
    }

    /** A rule's action, a route of a refusing type, or no route at all; empty when the lookup found a unicast or local route. */
    private static Optional<Death> refused(PolicyRouting.Lookup lookup, String hop, String device, Ipv4 dst,
                                           java.util.function.Supplier<String> from) {
        if (lookup.unmodelled().isPresent()) {
            return Optional.empty();
        }
        if (lookup.route().isPresent()
                && (lookup.route().get().type() == Route.Type.UNICAST || lookup.route().get().type() == Route.Type.LOCAL)) {
            return Optional.empty(); // the common case, without building any text
        }
        String what = hop + " for " + dst + " from " + from.get();
        if (lookup.refusedByRule()) {
            RoutingRule rule = lookup.rule().orElseThrow();
            return Optional.of(new Death(hop, device, what + " hits rule " + rule + ": the kernel "
                    + refusal(rule.action().name())));
        }
        if (lookup.route().isEmpty()) {
            return Optional.of(new Death(hop, device, what + " finds no route in any table the rules consult"));
        }
        Route route = lookup.route().get();
        return switch (route.type()) {
            case UNICAST, LOCAL -> Optional.empty();
            default -> Optional.of(new Death(hop, device, what + " found " + Routing.text(route) + via(lookup)
                    + ": the kernel " + refusal(route.type().name())));
        };
    }

    private static String refusal(String type) {
        return switch (type) {
            case "BLACKHOLE" -> "discards it silently";
            case "UNREACHABLE" -> "answers host unreachable";
            case "PROHIBIT" -> "answers administratively prohibited";
            default -> "does not route it (" + type.toLowerCase(java.util.Locale.ROOT) + ")";
        };
    }

    /** " via rule 50" for a route found through a rule other than the defaults (the route's text names its table). */
    private static String via(PolicyRouting.Lookup lookup) {
        return lookup.rule().filter(r -> !r.isDefault())
                .map(r -> " via rule " + r.priority()).orElse("");
    }

    private static Optional<Death> deviceState(Link dev, String hop) {
        if (!dev.isUp()) {
            return Optional.of(new Death(hop, dev.name(), dev.name() + " is down"));
        }
        if (!Topology.hasCarrier(dev)) {
            return Optional.of(new Death(hop, dev.name(), dev.name() + " is up but has no carrier (not LOWER_UP)"));
        }
        return Optional.empty();
    }
}
