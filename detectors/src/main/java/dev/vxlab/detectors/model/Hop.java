package dev.vxlab.detectors.model;

import java.util.Objects;

/**
 * One step a packet took, in the words of the tool that shows it on a real node ({@code ip route}, {@code ip neigh},
 * {@code bridge fdb}).
 *
 * @param node   the namespace it happened in: a node name or a pod key
 * @param step   what kind of step it was
 * @param device the device involved, empty when none
 * @param text   one line, e.g. {@code 10.187.1.0/24 via 10.187.1.0 dev flannel.1 onlink}
 */
public record Hop(String node, Step step, String device, String text) {

    /** The kinds of step a trace shows. */
    public enum Step {
        /** A route lookup (local table, then main) and the source address it gives. */
        ROUTE,
        /** A neighbor (ARP) entry used, or an ARP exchange the model assumes succeeds. */
        NEIGHBOR,
        /** A VXLAN forwarding-database entry: which VTEP a MAC lives behind. */
        FDB,
        /** The inner frame wrapped in UDP to the remote VTEP. */
        ENCAPSULATE,
        /** A frame carried by a veth, a bridge or the underlay to the device that receives it. */
        WIRE,
        /** A VXLAN packet handed to the local VTEP and unwrapped. */
        DECAPSULATE,
        /** A check the kernel makes on the way (forwarding, rp_filter, MTU, fragmentation). */
        CHECK,
        /** Delivered to a socket of this namespace. */
        DELIVER
    }

    public Hop {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(text, "text");
    }
}
