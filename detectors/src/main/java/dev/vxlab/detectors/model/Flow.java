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

    /**
     * Mixed, unlike a record's 31-weighted sum: node names differ in their last characters and pod addresses in their
     * third octet, so a matrix's million flows fell into a few thousand buckets of a hash map.
     */
    @Override
    public int hashCode() {
        int h = source.hashCode() * 0x9E3779B9 + destination.bits();
        h = h * 31 + transfer.ordinal();
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    /** A handshake-only flow. */
    public Flow(String source, Ipv4 destination) {
        this(source, destination, Transfer.HANDSHAKE);
    }
}
