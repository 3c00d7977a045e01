package dev.vxlab.nodedoctor;

import dev.vxlab.detectors.addr.Ipv4;

/** One TCP connect from the node to a peer's flannel.1 address: did anything come back through VXLAN. */
public record RoundTrip(String peer, Ipv4 address, int port, Outcome outcome, String detail) {

    public enum Outcome { CONNECTED, REFUSED, NO_ANSWER }

    /** A refused connection is an answer too: the SYN reached the peer and its RST came back through VXLAN. */
    public boolean crossedVxlan() {
        return outcome != Outcome.NO_ANSWER;
    }

    public String summary() {
        return "node " + peer + " (" + address + ":" + port + "): " + outcome.name().toLowerCase().replace('_', ' ')
                + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
