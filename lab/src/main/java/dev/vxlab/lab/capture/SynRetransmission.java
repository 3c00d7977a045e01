package dev.vxlab.lab.capture;

import java.util.List;

/**
 * The same SYN (flow and sequence number) sent more than once: the client's socket never got a SYN-ACK, whether
 * or not one reached the wire.
 */
public record SynRetransmission(Flow flow, long seq, List<CapturedPacket> syns) {

    public SynRetransmission {
        syns = List.copyOf(syns);
    }

    /** How many times the SYN was seen, the first one included. */
    public int times() {
        return syns.size();
    }

    @Override
    public String toString() {
        return flow + " SYN seq " + seq + " sent " + times() + " times";
    }
}
