package dev.vxlab.lab.capture;

import dev.vxlab.detectors.addr.Ipv4;

/** One direction of a TCP or UDP conversation; prints the way tcpdump does: {@code 10.187.0.0.45920 > 10.187.1.24.9153}. */
public record Flow(Ipv4 srcIp, int srcPort, Ipv4 dstIp, int dstPort) {

    /** The same conversation seen from the other end. */
    public Flow reversed() {
        return new Flow(dstIp, dstPort, srcIp, srcPort);
    }

    @Override
    public String toString() {
        return srcIp + "." + srcPort + " > " + dstIp + "." + dstPort;
    }
}
