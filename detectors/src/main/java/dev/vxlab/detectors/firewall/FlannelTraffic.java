package dev.vxlab.detectors.firewall;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.firewall.Evaluator.Packet;
import java.util.ArrayList;
import java.util.List;

/**
 * The packets flannel needs a node's filter to pass, as the doctor asks about them: VXLAN's UDP port from every peer's
 * public IP arriving on the underlay ({@link Kind#VXLAN}), and a new TCP connection forwarded from a peer's pod through
 * the VXLAN device into the bridge and back out, plus, where the bridge calls the ip hooks, between two pods of the
 * bridge ({@link Kind#FORWARD}).
 */
public final class FlannelTraffic {
    /** A pod port for the forwarding question: the lab's pods serve HTTP on it. */
    public static final int POD_PORT = 80;

    public enum Kind { VXLAN, FORWARD }

    /** One packet and what it stands for. */
    public record Question(Kind kind, Packet packet) {}

    private FlannelTraffic() {}

    /**
     * @param underlay   the device holding the node's public IP
     * @param self       the node's public IP
     * @param peers      every peer's public IP
     * @param localPod   an address of this node's pod subnet
     * @param remotePod  an address of a peer's pod subnet (absent without peers)
     */
    public static List<Question> of(String underlay, Ipv4 self, List<Ipv4> peers, int port, String vtep, String bridge,
            Ipv4 localPod, Ipv4 remotePod, boolean bridgeFiltered) {
        List<Question> out = new ArrayList<>();
        for (Ipv4 peer : peers) {
            out.add(new Question(Kind.VXLAN, Packet.input(underlay, peer, self, "udp", port)));
        }
        if (remotePod != null) {
            out.add(new Question(Kind.FORWARD, Packet.forward(vtep, bridge, remotePod, localPod, "tcp", POD_PORT)));
            out.add(new Question(Kind.FORWARD, Packet.forward(bridge, vtep, localPod, remotePod, "tcp", POD_PORT)));
        }
        if (bridgeFiltered) {
            out.add(new Question(Kind.FORWARD, Packet.forward(bridge, bridge, localPod, new Ipv4(localPod.bits() + 1),
                    "tcp", POD_PORT)));
        }
        return out;
    }
}
