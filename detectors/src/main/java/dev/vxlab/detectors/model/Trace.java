package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The path of one packet, hop by hop, and how it ended.
 *
 * @param origin  the namespace that sent it
 * @param packet  the packet as handed to the kernel
 * @param src     the source address it carried (the route's choice when the packet had none); empty when the
 *                sender found no route or no address
 * @param hops    what happened, in order
 * @param verdict delivered, or dropped where and why
 */
public record Trace(String origin, Packet packet, Optional<Ipv4> src, List<Hop> hops, Verdict verdict) {

    public Trace {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(packet, "packet");
        Objects.requireNonNull(src, "src");
        hops = List.copyOf(hops);
        Objects.requireNonNull(verdict, "verdict");
    }

    public boolean delivered() {
        return verdict instanceof Verdict.Delivered;
    }

    /** Whether it was delivered in the given namespace. */
    public boolean deliveredTo(String node) {
        return verdict instanceof Verdict.Delivered d && d.node().equals(node);
    }

    /** {@code SYN 10.187.0.0 -> 10.187.1.24}. */
    public String headline() {
        return packet.label() + " " + src.map(Ipv4::toString).orElse("?") + " -> " + packet.dst();
    }

    /** {@code SYN 10.187.0.0 -> 10.187.1.24: delivered to coredns@172.31.159.21 (10.187.1.24)}. */
    public String summary() {
        return headline() + ": " + verdict.describe();
    }

    /**
     * The trace for a terminal, as {@code vxlab doctor --trace SRC DST} prints it:
     * <pre>
     * SYN 10.187.0.0 -> 10.187.1.24 (60 bytes, DF) from 172.31.159.19
     *   172.31.159.19          route        flannel.1   10.187.1.0/24 via 10.187.1.0 dev flannel.1 onlink src 10.187.0.0
     *   …
     *   = delivered to coredns@172.31.159.21 (10.187.1.24)
     * </pre>
     */
    public String render() {
        int nodeWidth = hops.stream().mapToInt(h -> h.node().length()).max().orElse(0);
        int deviceWidth = hops.stream().mapToInt(h -> h.device().length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        out.append(headline()).append(" (").append(packet.size()).append(" bytes").append(packet.df() ? ", DF" : "")
                .append(") from ").append(origin).append('\n');
        for (Hop hop : hops) {
            out.append("  ").append(pad(hop.node(), nodeWidth)).append("  ")
                    .append(pad(hop.step().name().toLowerCase(java.util.Locale.ROOT), 11)).append("  ")
                    .append(pad(hop.device(), deviceWidth)).append("  ").append(hop.text()).append('\n');
        }
        out.append("  = ").append(verdict.describe()).append('\n');
        return out.toString();
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
