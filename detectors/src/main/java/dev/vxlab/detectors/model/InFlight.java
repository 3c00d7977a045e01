package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import java.util.Optional;

/**
 * A packet on its way: what the walk changes as it goes (the source once chosen, TTL, size after fragmentation) and,
 * for a VXLAN packet on the underlay, the frame it carries. {@code opens}: a connection's first packet (a SYN, and every
 * VXLAN packet: its UDP flows never see a reply), conntrack state new for the filter; the rest are established.
 */
record InFlight(Optional<Ipv4> src, Ipv4 dst, int size, boolean df, int ttl, Optional<VxlanFrame> vxlan,
        boolean opens) {
    static final int DEFAULT_TTL = 64;

    /**
     * An Ethernet frame inside a VXLAN packet: inner source MAC (the sending VXLAN device's; empty when it has none),
     * inner destination MAC, VNI, UDP port and the inner IP packet.
     */
    record VxlanFrame(Optional<MacAddress> srcMac, MacAddress dstMac, int vni, int port, InFlight inner) {}

    static InFlight of(Packet packet) {
        return new InFlight(packet.src(), packet.dst(), packet.size(), packet.df(), DEFAULT_TTL, Optional.empty(),
                packet.label().equals("SYN"));
    }

    Ipv4 source() {
        return src.orElseThrow(() -> new IllegalStateException("the source is chosen before the packet leaves"));
    }

    InFlight withSource(Ipv4 source) {
        return new InFlight(Optional.of(source), dst, size, df, ttl, vxlan, opens);
    }

    InFlight withSize(int newSize) {
        return new InFlight(src, dst, newSize, df, ttl, vxlan, opens);
    }

    InFlight forwarded() {
        return new InFlight(src, dst, size, df, ttl - 1, vxlan, opens);
    }
}
