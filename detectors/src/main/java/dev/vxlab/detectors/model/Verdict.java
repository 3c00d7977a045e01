package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import java.util.Objects;
import java.util.OptionalInt;

/** How a traced packet ended: delivered to a namespace, or dropped somewhere for a reason. */
public sealed interface Verdict {

    /** The namespace (node name or pod key) where the packet ended. */
    String node();

    /** One phrase: {@code delivered to coredns@172.31.159.21} or the drop's fact and place. */
    String describe();

    /** The packet reached a socket of the namespace that owns its destination address. */
    record Delivered(String node, Ipv4 address) implements Verdict {
        public Delivered {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(address, "address");
        }

        @Override
        public String describe() {
            return "delivered to " + node + " (" + address + ")";
        }
    }

    /**
     * The packet was dropped.
     *
     * @param node       where
     * @param device     the device it was dropped at (empty when none applies)
     * @param cause      the class of the drop
     * @param fact       what was wrong, e.g. {@code sent to VTEP MAC ea:… but 172.31.159.19's flannel.1 is b6:…}
     * @param nextHopMtu for {@link Cause#TOO_BIG}: the MTU the sender is told about (ICMP frag-needed)
     */
    record Dropped(String node, String device, Cause cause, String fact, OptionalInt nextHopMtu) implements Verdict {
        public Dropped {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(fact, "fact");
            Objects.requireNonNull(nextHopMtu, "nextHopMtu");
        }

        Dropped(String node, String device, Cause cause, String fact) {
            this(node, device, cause, fact, OptionalInt.empty());
        }

        /** {@code FACT: dropped as otherhost on NODE}. */
        @Override
        public String describe() {
            return fact + ": " + cause.verb() + " on " + node;
        }
    }

    /** Why packets are dropped, by class; each says how the kernel words it. */
    enum Cause {
        /** No route, or a blackhole/unreachable/prohibit route. */
        NO_ROUTE("dropped"),
        /** The destination is a broadcast address: TCP does not connect to one. */
        BROADCAST("dropped"),
        /** No source address to send from. */
        NO_SOURCE("dropped"),
        /** The outgoing or receiving device is administratively down. */
        LINK_DOWN("dropped"),
        /** The outgoing device has no carrier (a veth whose peer is down, a bridge with no port up). */
        NO_CARRIER("dropped"),
        /** No neighbor entry and no way to resolve one. */
        NO_NEIGHBOR("dropped"),
        /** No forwarding-database entry on the VXLAN device for the inner destination MAC. */
        NO_FDB("dropped"),
        /** Nothing listens on the VXLAN port for the VNI (device down or absent). */
        NO_VTEP("dropped"),
        /** The frame's destination MAC is not the receiving device's (PACKET_OTHERHOST). */
        OTHERHOST("dropped as otherhost"),
        /** A bridge has no port leading to the frame's destination MAC. */
        NO_L2_DESTINATION("dropped"),
        /** The node would forward but net.ipv4.ip_forward is 0. */
        FORWARDING_OFF("dropped"),
        /** Reverse-path filtering, or a martian source (one of the receiver's own addresses). */
        SOURCE_REJECTED("dropped"),
        /** A DF packet larger than the next device's MTU; the sender is told the MTU (ICMP frag-needed). */
        TOO_BIG("dropped"),
        /** A frame larger than the receiving device's MTU: dropped without any ICMP. */
        FRAME_TOO_BIG("dropped silently"),
        /** TTL ran out or the walk went in circles. */
        LOOP("dropped"),
        /** The packet leaves what the snapshots cover (the underlay gateway, an unknown device's far end). */
        OUTSIDE_MODEL("not followed"),
        /** A VXLAN frame whose inner source MAC is the receiving device's own (vxlan_set_mac's loop check). */
        OWN_SOURCE_MAC("dropped"),
        /** The node's packet filter (nftables, a policy or a rule) drops or rejects it. */
        FILTERED("dropped by the firewall");

        private final String verb;

        Cause(String verb) {
            this.verb = verb;
        }

        public String verb() {
            return verb;
        }
    }
}
