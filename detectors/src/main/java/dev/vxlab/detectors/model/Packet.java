package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import java.util.Objects;
import java.util.Optional;

/**
 * An IPv4 packet to trace, as its sender hands it to the kernel.
 *
 * @param label what it is in a conversation ("SYN", "SYN-ACK", "data"), for reports
 * @param src   the source address; empty lets the route lookup choose it, as {@code connect()} does
 * @param dst   the destination address
 * @param size  the IP packet's total length in bytes (a bare TCP SYN is 60)
 * @param df    the Don't Fragment bit (TCP sets it: path-MTU discovery)
 */
public record Packet(String label, Optional<Ipv4> src, Ipv4 dst, int size, boolean df) {
    /** A TCP segment without payload, options included (SYN, SYN-ACK, ACK). */
    public static final int TCP_HANDSHAKE_SIZE = 60;
    /** IPv4 + TCP headers without options: MSS = MTU - this. */
    public static final int TCP_IP_HEADERS = 40;

    public Packet {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        if (size < 20 || size > 65535) {
            throw new IllegalArgumentException("an IPv4 packet is 20..65535 bytes, not " + size);
        }
    }

    /** A TCP SYN from whatever address the route gives. */
    public static Packet syn(Ipv4 dst) {
        return new Packet("SYN", Optional.empty(), dst, TCP_HANDSHAKE_SIZE, true);
    }

    @Override
    public String toString() {
        return label + " " + src.map(Ipv4::toString).orElse("(route's source)") + " -> " + dst + ", " + size
                + " bytes" + (df ? ", DF" : "");
    }
}
