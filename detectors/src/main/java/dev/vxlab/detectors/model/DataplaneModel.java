package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.state.NodeState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model of a flannel VXLAN cluster's IPv4 dataplane, built from snapshots: traces a packet hop by hop and says where
 * and why it is dropped, and plays TCP conversations to predict which paths work.
 *
 * <p>Input: every node's {@link NodeState} by node name, every pod's by pod key (e.g. {@code app@172.31.159.19}), and
 * which node and veth each pod hangs off ({@link PodAttachment}). A node's underlay identity is what its VXLAN device
 * sends from: the device named as its {@code dev}, or the one holding its {@code local} address.
 *
 * <p>What it models, in the kernel's order: the route lookup over the local, main and default tables (longest
 * prefix; local, broadcast, unicast, blackhole, unreachable, prohibit; a unicast route through a device that is down
 * is unusable and the lookup falls through to shorter prefixes); source selection (prefsrc, else a primary address of
 * the outgoing device in scope); the outgoing device (down, no carrier); the MTU (a DF packet larger than the next
 * device is dropped and its sender told with ICMP frag-needed; VXLAN's outer packets are fragmented instead);
 * neighbor resolution (a usable cached entry, else ARP on the segment behind the device; a VXLAN device resolves only
 * through an all-zeros FDB entry, so with flannel's nolearning devices a missing entry is a drop); VXLAN encapsulation
 * by FDB lookup of the inner destination MAC; the underlay to the node whose underlay device holds the outer
 * destination, where a frame larger than that device's MTU is dropped silently; the VXLAN listener (UDP port, VNI,
 * device up) and its MAC check (otherhost); bridges and veths by MAC; the input route lookup with the martian-source
 * and rp_filter checks; forwarding (ip_forward, TTL).
 *
 * <p>Assumptions and limits. ARP is answered by any namespace that owns the address on the segment (arp_ignore=0,
 * Linux's default) and a cached entry is trusted even when stale (the kernel re-resolves only after seconds). Only the
 * default policy rules; no multipath. Netfilter: each node's filter verdict (its {@code NodeState.firewall()}, through
 * {@link dev.vxlab.detectors.firewall.Evaluator}) at the input hook for what a node delivers locally (VXLAN's outer
 * packets included), at the forward hook for what it routes on, and for frames a bridge forwards between two ports
 * where bridge-nf-call-iptables is 1; a SYN and every VXLAN packet are conntrack-new, the rest established, TCP ports
 * unknown; a verdict the evaluator cannot tell passes (noted as a hop). No output hook, no Service DNAT (trace pod
 * and node IPs) and no masquerade.
 * Inside a node, veths carry offloaded super-packets (GSO), so there the MTU is enforced only where IP forwards;
 * on the underlay, frames are real (the lab turns offloads off, as a NIC is) and the receiver's MTU drops what does
 * not fit. The underlay beyond the nodes is not modelled: a packet sent to the gateway or any address no node holds
 * is "not followed" (counted as not delivered). With several FDB remotes for one MAC only the first is followed.
 * Whether anything listens on the destination port is not known: a delivered SYN counts as answered.
 *
 * <p>The snapshots are indexed once (a namespace on its first use); a route lookup is at most 33 hash probes per table, the other
 * lookups are hash probes or a walk over one bridge's ports, so a trace costs the same in a 3-node and a 1000-node
 * cluster. A model is immutable and may be used from several threads at once.
 */
public final class DataplaneModel {
    /** How often a sender shrinks its segments after ICMP frag-needed before the model calls the path black. */
    private static final int PMTU_ATTEMPTS = 4;
    /** An ICMP frag-needed: IP 20 + ICMP 8 + the offending header and 8 bytes of it (28). */
    private static final int ICMP_ERROR_SIZE = 56;
    /** Below this many flows, playing each costs less than finding the classes (a 32-node matrix: about 1 ms). */
    private static final int SHARED_WALKS_FROM = 1024;

    private final Topology topology;
    private final Map<String, NodeState> nodes;
    private final Map<String, NodeState> pods;
    private final List<PodAttachment> attachments;
    /** Which nodes are interchangeable: found on the first large matrix, then kept (the model is immutable). */
    private volatile NodeSymmetry symmetry;

    private DataplaneModel(Topology topology, Map<String, NodeState> nodes, Map<String, NodeState> pods,
            List<PodAttachment> attachments) {
        this.topology = topology;
        this.nodes = new LinkedHashMap<>(nodes);
        this.pods = new LinkedHashMap<>(pods);
        this.attachments = List.copyOf(attachments);
    }

    /**
     * Indexes the snapshots once.
     *
     * @param nodes       each node's host namespace, by node name
     * @param pods        each pod's namespace, by pod key (none is fine)
     * @param attachments which node veth each pod's device is the peer of
     * @throws IllegalArgumentException when an attachment names an unknown pod or node, or a key is both
     */
    public static DataplaneModel of(Map<String, NodeState> nodes, Map<String, NodeState> pods,
            List<PodAttachment> attachments) {
        return new DataplaneModel(new Topology(nodes, pods, attachments), nodes, pods, attachments);
    }

    /** Every namespace the model knows: node names, then pod keys. */
    public Set<String> namespaces() {
        return topology.keys();
    }

    /** Traces a TCP SYN from the namespace to the address, source chosen by the route. */
    public Trace trace(String from, Ipv4 dst) {
        return trace(from, Packet.syn(dst));
    }

    /** Traces any packet from the namespace. */
    public Trace trace(String from, Packet packet) {
        return PacketWalk.trace(topology, namespace(from), packet, true);
    }

    /** A TCP handshake from the namespace to the address: the SYN, and if it arrives, the SYN-ACK back. */
    public Exchange exchange(String from, Ipv4 dst) {
        return exchange(from, dst, Transfer.HANDSHAKE);
    }

    /** A TCP conversation from the namespace to the address, traced packet by packet. */
    public Exchange exchange(String from, Ipv4 dst, Transfer transfer) {
        return play(new Flow(from, dst, transfer), true);
    }

    /**
     * For each flow, whether its conversation succeeds (in the flows' order). A long list (a connectivity matrix:
     * more flows than the model has namespaces) plays one conversation per class of flows that an automorphism of the
     * snapshots maps onto each other ({@link NodeSymmetry}): a healthy cluster's n x (n - 1) handshakes are a handful
     * of walks. The answer is the same as playing every flow; {@link #exchange} shows any one of them hop by hop.
     */
    public Map<Flow, Boolean> reachability(List<Flow> flows) {
        return flows.size() < SHARED_WALKS_FROM || flows.size() <= topology.keys().size() ? reachabilityOneByOne(flows)
                : reachabilityShared(flows);
    }

    /** One conversation per class of equivalent flows (see {@link NodeSymmetry}), its answer given to all of them. */
    Map<Flow, Boolean> reachabilityShared(List<Flow> flows) {
        NodeSymmetry classes = symmetry();
        Map<NodeSymmetry.FlowKey, Boolean> played = new HashMap<>();
        Map<Flow, Boolean> result = LinkedHashMap.newLinkedHashMap(flows.size());
        for (Flow flow : flows) {
            NodeSymmetry.FlowKey key = classes.keyOf(flow);
            Boolean succeeded = played.get(key);
            if (succeeded == null) {
                succeeded = play(flow, false).succeeded();
                played.put(key, succeeded);
            }
            result.put(flow, succeeded);
        }
        return result;
    }

    /** The reference: every flow's conversation played. */
    Map<Flow, Boolean> reachabilityOneByOne(List<Flow> flows) {
        Map<Flow, Boolean> result = LinkedHashMap.newLinkedHashMap(flows.size());
        for (Flow flow : flows) {
            result.put(flow, play(flow, false).succeeded());
        }
        return result;
    }

    /** The classes the matrix shares walks by (tests). */
    NodeSymmetry symmetry() {
        NodeSymmetry found = symmetry;
        if (found == null) {
            synchronized (this) {
                found = symmetry;
                if (found == null) {
                    found = NodeSymmetry.of(nodes, pods, attachments);
                    symmetry = found;
                }
            }
        }
        return found;
    }

    private Namespace namespace(String key) {
        return topology.namespace(key).orElseThrow(() -> new IllegalArgumentException("no namespace '" + key
                + "' in the model; it has " + topology.keys().size() + " (nodes by name, pods as name@node)"));
    }

    /**
     * SYN; SYN-ACK from wherever the SYN was delivered, back to the SYN's source (it must arrive in the namespace that
     * sent it); then for a large reply, data segments as large as both ends' route MTUs allow (the client's MSS and
     * the server's own route), shrunk on each ICMP frag-needed that makes it back to the server.
     */
    private Exchange play(Flow flow, boolean record) {
        Namespace client = namespace(flow.source());
        List<Trace> packets = new ArrayList<>();
        Trace syn = PacketWalk.trace(topology, client, Packet.syn(flow.destination()), record);
        packets.add(syn);
        if (!(syn.verdict() instanceof Verdict.Delivered delivered) || syn.src().isEmpty()) {
            return done(flow, packets, false);
        }
        Namespace server = namespace(delivered.node());
        Ipv4 clientIp = syn.src().get();
        Trace synAck = PacketWalk.trace(topology, server, new Packet("SYN-ACK", Optional.of(flow.destination()),
                clientIp, Packet.TCP_HANDSHAKE_SIZE, true), record);
        packets.add(synAck);
        if (!synAck.deliveredTo(client.key())) {
            return done(flow, packets, false);
        }
        if (flow.transfer() == Transfer.HANDSHAKE) {
            return done(flow, packets, true);
        }
        int size = Math.min(65535, Math.min(Routing.routeMtu(client, flow.destination()),
                Routing.routeMtu(server, clientIp)));
        for (int attempt = 0; attempt < PMTU_ATTEMPTS; attempt++) {
            Trace data = PacketWalk.trace(topology, server, new Packet("data", Optional.of(flow.destination()),
                    clientIp, size, true), record);
            packets.add(data);
            if (data.deliveredTo(client.key())) {
                return done(flow, packets, true);
            }
            if (!(data.verdict() instanceof Verdict.Dropped dropped) || dropped.cause() != Verdict.Cause.TOO_BIG
                    || dropped.nextHopMtu().orElse(size) >= size) {
                return done(flow, packets, false);
            }
            if (!dropped.node().equals(server.key())) {
                Trace icmp = PacketWalk.trace(topology, namespace(dropped.node()), new Packet("ICMP frag-needed",
                        Optional.empty(), flow.destination(), ICMP_ERROR_SIZE, false), record);
                packets.add(icmp);
                if (!icmp.deliveredTo(server.key())) {
                    return done(flow, packets, false);
                }
            }
            size = dropped.nextHopMtu().getAsInt();
        }
        return done(flow, packets, false);
    }

    private static Exchange done(Flow flow, List<Trace> packets, boolean succeeded) {
        return new Exchange(flow.source(), flow.destination(), flow.transfer(), packets, succeeded);
    }
}
