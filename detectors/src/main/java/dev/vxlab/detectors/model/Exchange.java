package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A TCP conversation as the model plays it: the SYN, then (if it arrived) the SYN-ACK traced back from the
 * destination with its own route lookup, then for {@link Transfer#LARGE_REPLY} the full-size data segments (and any
 * ICMP frag-needed that makes the sender shrink them).
 *
 * @param source      the namespace that connected
 * @param destination the address it connected to
 * @param transfer    what it carried
 * @param packets     every traced packet, in order
 * @param succeeded   whether every packet the conversation needs reached its end
 */
public record Exchange(String source, Ipv4 destination, Transfer transfer, List<Trace> packets, boolean succeeded) {

    public Exchange {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(transfer, "transfer");
        packets = List.copyOf(packets);
    }

    /** The SYN's trace. */
    public Trace request() {
        return packets.getFirst();
    }

    /** The last packet traced: the one that failed, or the last one delivered. */
    public Trace last() {
        return packets.getLast();
    }

    /**
     * Whether the kernel may decide this exchange otherwise than the model, by a path MTU learned while traffic flows:
     * the exchange dies of a frame too big for its own source node's underlay (a lowered eth0). Once that node has
     * forwarded a large packet into its VXLAN device towards the same address, VXLAN's tunnel PMTU check caches a
     * smaller path MTU for it in the node's route cache, and the node's later connections there advertise an MSS
     * that fits. Snapshots hold the routing tables, not that cache, and whether it happened first is a matter of timing.
     */
    public boolean dependsOnLearnedPathMtu() {
        return !succeeded && last().verdict() instanceof Verdict.Dropped dropped
                && dropped.cause() == Verdict.Cause.FRAME_TOO_BIG && dropped.node().equals(source);
    }

    /**
     * One line per packet, e.g. {@code SYN 10.187.0.0 -> 10.187.1.24: delivered to coredns@172.31.159.21 (10.187.1.24);
     * SYN-ACK 10.187.1.24 -> 10.187.0.0: sent to VTEP MAC ea:77:37:86:ee:bf but 172.31.159.19's flannel.1 is
     * b6:9b:ed:b0:37:74: dropped as otherhost on 172.31.159.19}.
     */
    public String summary() {
        return packets.stream().map(Trace::summary).collect(Collectors.joining("; "));
    }

    /** Every packet's trace, one after the other. */
    public String render() {
        return source + " -> " + destination + " (" + transfer.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + "): " + (succeeded ? "succeeds" : "fails") + "\n"
                + packets.stream().map(Trace::render).collect(Collectors.joining("\n"));
    }
}
