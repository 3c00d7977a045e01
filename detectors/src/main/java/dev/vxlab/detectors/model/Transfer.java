package dev.vxlab.detectors.model;

/** What a TCP conversation between two endpoints carries, which decides the packet sizes the model traces. */
public enum Transfer {
    /** SYN and SYN-ACK only: {@code nc -z}, a connect that sends nothing. */
    HANDSHAKE,
    /**
     * The handshake, then full-size segments from the destination back to the source, as an HTTP GET of a large body
     * (CoreDNS's 19 KB metrics page): the segment size is what the two ends' MSS and routes allow.
     */
    LARGE_REPLY
}
