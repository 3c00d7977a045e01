package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.VxlanInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the namespaces are wired together: which veth ends are peers (from the pod attachments), which devices form
 * the underlay (each node's VXLAN underlay device), and what a frame sent out of a device can reach. Built once; a
 * namespace's index ({@link Namespace}: route tables, neighbors, FDB) is built on its first use, so a model whose
 * walks visit a few nodes of a thousand (a matrix of interchangeable nodes) does not index the rest.
 */
final class Topology {
    private record LinkId(String ns, String link) {}

    private final Map<String, NodeState> states = new LinkedHashMap<>();
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final Set<String> nodes = new LinkedHashSet<>();
    private final Map<LinkId, LinkId> vethPeers = new HashMap<>();
    private final Set<LinkId> underlayLinks = new HashSet<>();
    private final Map<Ipv4, UnderlayDevice> underlayByAddress = new HashMap<>();
    private final Map<MacAddress, UnderlayDevice> underlayByMac = new HashMap<>();
    /** Segments are pure functions of the snapshots: built on first use, then shared (traces may run in parallel). */
    private final Map<LinkId, Segment> segments = new ConcurrentHashMap<>();

    Topology(Map<String, NodeState> nodeStates, Map<String, NodeState> podStates, List<PodAttachment> attachments) {
        nodeStates.forEach((key, state) -> {
            states.put(key, state);
            nodes.add(key);
        });
        podStates.forEach((key, state) -> {
            if (states.putIfAbsent(key, state) != null) {
                throw new IllegalArgumentException("'" + key + "' is both a node and a pod");
            }
        });
        Set<LinkId> hostVeths = new HashSet<>();
        for (PodAttachment a : attachments) {
            if (!podStates.containsKey(a.pod())) {
                throw new IllegalArgumentException("pod attachment names unknown pod '" + a.pod() + "'");
            }
            if (!nodeStates.containsKey(a.node())) {
                throw new IllegalArgumentException("pod " + a.pod() + " is attached to unknown node '" + a.node() + "'");
            }
            LinkId host = new LinkId(a.node(), a.hostVeth());
            LinkId pod = new LinkId(a.pod(), a.podDevice());
            vethPeers.put(host, pod);
            vethPeers.put(pod, host);
            hostVeths.add(host);
        }
        for (String key : nodes) {
            indexUnderlay(key, states.get(key), hostVeths);
        }
    }

    /** A node's underlay device; its {@link Receiver} needs the node's indexed namespace, so it is made on first use. */
    private final class UnderlayDevice {
        final String node;
        final Link link;
        private volatile Receiver receiver;

        UnderlayDevice(String node, Link link) {
            this.node = node;
            this.link = link;
        }

        Receiver receiver() {
            Receiver r = receiver;
            if (r == null) {
                r = new Receiver(namespace(node).orElseThrow(), link, link.mac().map(Set::of).orElse(Set.of()),
                        "underlay to " + node + "'s " + link.name(), true);
                receiver = r; // two threads may both make one: equal records, either will do
            }
            return r;
        }
    }

    /**
     * A node's underlay devices are what its VXLAN devices send through (their {@code dev}, or the device holding
     * their {@code local} address). A node without VXLAN falls back to its plain addressed devices (no loopback,
     * bridge, bridge port or pod veth).
     */
    private void indexUnderlay(String key, NodeState state, Set<LinkId> hostVeths) {
        // Read from the snapshot as Namespace indexes it (a link by index: the last one listed; addresses per link).
        Map<Integer, Link> byIndex = new HashMap<>();
        state.links().forEach(l -> byIndex.put(l.index(), l));
        Map<Integer, List<Address>> addressesOf = new HashMap<>();
        state.addresses().forEach(a -> addressesOf.computeIfAbsent(a.link().index(), k -> new ArrayList<>()).add(a));
        Set<Link> underlay = new LinkedHashSet<>();
        for (Link vx : state.links()) {
            if (vx.vxlan().isEmpty()) {
                continue;
            }
            VxlanInfo info = vx.vxlan().get();
            info.underlay().map(ref -> byIndex.get(ref.index())).ifPresent(underlay::add);
            info.local().ifPresent(local -> state.links().stream()
                    .filter(l -> addressesOf.getOrDefault(l.index(), List.of()).stream()
                            .anyMatch(a -> a.prefix().address().equals(local)))
                    .forEach(underlay::add));
        }
        if (underlay.isEmpty()) {
            for (Link link : state.links()) {
                if (!link.isLoopback() && !link.isKind("bridge") && !link.isKind("vxlan") && link.master().isEmpty()
                        && !hostVeths.contains(new LinkId(key, link.name()))
                        && !addressesOf.getOrDefault(link.index(), List.of()).isEmpty()) {
                    underlay.add(link);
                }
            }
        }
        for (Link link : underlay) {
            underlayLinks.add(new LinkId(key, link.name()));
            UnderlayDevice device = new UnderlayDevice(key, link);
            for (Address address : addressesOf.getOrDefault(link.index(), List.of())) {
                underlayByAddress.putIfAbsent(address.prefix().address(), device);
            }
            link.mac().ifPresent(mac -> underlayByMac.putIfAbsent(mac, device));
        }
    }

    Optional<Namespace> namespace(String key) {
        NodeState state = states.get(key);
        return state == null ? Optional.empty()
                : Optional.of(namespaces.computeIfAbsent(key, k -> new Namespace(k, state)));
    }

    Set<String> keys() {
        return java.util.Collections.unmodifiableSet(states.keySet());
    }

    /** The node whose underlay device holds the address (only devices that are up and have carrier receive). */
    Optional<Receiver> underlayByAddress(Ipv4 ip) {
        return Optional.ofNullable(underlayByAddress.get(ip)).filter(d -> canReceive(d.link))
                .map(UnderlayDevice::receiver);
    }

    /** The node whose underlay device holds the address, whether or not that device can receive now. */
    Optional<Receiver> underlayOwner(Ipv4 ip) {
        return Optional.ofNullable(underlayByAddress.get(ip)).map(UnderlayDevice::receiver);
    }

    /** The node whose underlay device has the MAC, whether or not that device can receive now. */
    Optional<Receiver> underlayOwner(MacAddress mac) {
        return Optional.ofNullable(underlayByMac.get(mac)).map(UnderlayDevice::receiver);
    }

    Optional<Receiver> underlayByMac(MacAddress mac) {
        return Optional.ofNullable(underlayByMac.get(mac)).filter(d -> canReceive(d.link))
                .map(UnderlayDevice::receiver);
    }

    /** What a frame sent out of the device can reach. */
    Segment segmentOf(Namespace ns, Link out) {
        return segments.computeIfAbsent(new LinkId(ns.key(), out.name()), id -> buildSegment(ns, out));
    }

    private Segment buildSegment(Namespace ns, Link out) {
        if (out.isKind("bridge")) {
            return new Segment.Local(portReceivers(ns, out, null, ""), ns.key(), out.name(), false);
        }
        LinkId peerId = vethPeers.get(new LinkId(ns.key(), out.name()));
        if (peerId != null) {
            return peerSegment(ns, out, peerId);
        }
        if (underlayLinks.contains(new LinkId(ns.key(), out.name()))) {
            return new Segment.Underlay(this, ns);
        }
        return new Segment.Closed(new Verdict.Dropped(ns.key(), out.name(), Verdict.Cause.OUTSIDE_MODEL,
                "sent out " + out.name() + ", whose far end the snapshots do not show"));
    }

    /** A veth's far end: the peer itself, or, when the peer is a bridge port, the bridge and its other ports. */
    private Segment peerSegment(Namespace ns, Link out, LinkId peerId) {
        Namespace peerNs = namespace(peerId.ns()).orElseThrow();
        Optional<Link> peer = peerNs.link(peerId.link());
        if (peer.isEmpty() || !peer.get().isUp()) {
            return new Segment.Closed(new Verdict.Dropped(ns.key(), out.name(), Verdict.Cause.NO_CARRIER,
                    out.name() + "'s veth peer " + peerId.link() + " on " + peerNs.key()
                            + (peer.isEmpty() ? " is gone" : " is down")));
        }
        Link port = peer.get();
        if (port.master().isEmpty()) {
            return new Segment.Local(List.of(new Receiver(peerNs, port, port.mac().map(Set::of).orElse(Set.of()),
                    "veth to " + port.name() + " on " + peerNs.key() + " (no bridge port)", false)),
                    peerNs.key(), port.name(), true);
        }
        Optional<Link> bridge = port.master().flatMap(peerNs::link);
        if (bridge.isEmpty() || !bridge.get().isUp()) {
            String name = port.master().get().name();
            return new Segment.Closed(new Verdict.Dropped(peerNs.key(), name, Verdict.Cause.LINK_DOWN,
                    name + " is down, so its port " + port.name() + " forwards nothing"));
        }
        Link br = bridge.get();
        // Frames to the bridge's MAC or to any port's own MAC go up to the bridge (the ports' local FDB entries).
        Set<MacAddress> local = new HashSet<>();
        br.mac().ifPresent(local::add);
        peerNs.portsOf(br).forEach(p -> p.mac().ifPresent(local::add));
        List<Receiver> receivers = new ArrayList<>();
        String via = "veth to " + port.name() + " on " + peerNs.key() + ", port of " + br.name();
        receivers.add(new Receiver(peerNs, br, local, via + ", up to " + br.name(), false));
        receivers.addAll(portReceivers(peerNs, br, port, via + ", "));
        return new Segment.Local(receivers, peerNs.key(), br.name(), false);
    }

    /** The pods behind a bridge's ports (the ingress port excluded): only ports that are up, with peers that are up. */
    private List<Receiver> portReceivers(Namespace ns, Link bridge, Link ingress, String prefix) {
        List<Receiver> receivers = new ArrayList<>();
        for (Link port : ns.portsOf(bridge)) {
            if (port.equals(ingress) || !port.isUp()) {
                continue;
            }
            LinkId peerId = vethPeers.get(new LinkId(ns.key(), port.name()));
            if (peerId == null) {
                continue;
            }
            Namespace peerNs = namespace(peerId.ns()).orElseThrow();
            peerNs.link(peerId.link()).filter(Link::isUp).ifPresent(peer -> receivers.add(new Receiver(peerNs, peer,
                    peer.mac().map(Set::of).orElse(Set.of()),
                    prefix + bridge.name() + " port " + port.name() + " to " + peerNs.key() + "'s " + peer.name(),
                    false)));
        }
        return receivers;
    }

    static boolean canReceive(Link link) {
        return link.isUp() && hasCarrier(link);
    }

    /** IFF_RUNNING: up with carrier (iproute2 prints NO-CARRIER when it is missing). */
    static boolean hasCarrier(Link link) {
        return link.has(Link.Flag.RUNNING) || link.has(Link.Flag.LOWER_UP);
    }
}
