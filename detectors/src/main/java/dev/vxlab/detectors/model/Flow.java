package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import java.util.Objects;

/**
 * A TCP conversation to predict: from a namespace (node name or pod key) to an IPv4 address.
 *
 * @param source      the namespace that connects
 * @param destination the address it connects to
 * @param transfer    what the conversation carries
 */
public record Flow(String source, Ipv4 destination, Transfer transfer) {

    public Flow {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(transfer, "transfer");
    }

    /** A handshake-only flow. */
    public Flow(String source, Ipv4 destination) {
        this(source, destination, Transfer.HANDSHAKE);
    }
}
