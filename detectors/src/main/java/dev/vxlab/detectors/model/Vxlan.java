package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.VxlanInfo;
import java.util.Optional;

/**
 * The VXLAN device's lookups: the FDB entry that says where an inner MAC lives, ARP through the all-zeros flood
 * entries (the only way a VXLAN device resolves a neighbor by itself), and on the receiving side the device that
 * listens for a VNI on a UDP port.
 */
final class Vxlan {
    /** What VXLAN adds to an inner IP packet on IPv4: outer IP 20 + UDP 8 + VXLAN 8 + inner Ethernet 14. */
    static final int OVERHEAD = 50;
    static final MacAddress FLOOD = new MacAddress(0);

    private Vxlan() {}

    /** A neighbor resolved by flooding ARP to the all-zeros entries' VTEPs. */
    record Flooded(MacAddress mac, String text) {}

    static VxlanInfo info(Link vx) {
        return vx.vxlan().orElseThrow();
    }

    /** The FDB entry for the MAC, else the all-zeros default entry (the kernel's fallback for unknown MACs). */
    static Optional<FdbEntry> entryFor(Namespace ns, Link vx, MacAddress mac) {
        return ns.fdb(vx, mac).or(() -> ns.fdb(vx, FLOOD));
    }

    /**
     * ARP for the address sent to the VTEP of the all-zeros entry and answered by the remote node that owns the
     * address on its VXLAN device of the same VNI. flannel programs no such entry, so on its devices this is empty.
     */
    static Optional<Flooded> resolveByFlood(Topology topology, Namespace ns, Link vx, Ipv4 ip) {
        Optional<FdbEntry> flood = ns.fdb(vx, FLOOD);
        if (flood.isEmpty()) {
            return Optional.empty();
        }
        Ipv4 remote = flood.get().dst().orElseThrow();
        VxlanInfo mine = info(vx);
        return topology.underlayByAddress(remote).flatMap(node -> node.ns().vxlans().stream()
                .filter(other -> other.isUp() && info(other).vni() == mine.vni() && info(other).port() == mine.port())
                .filter(other -> node.ns().isLocal(ip) && other.mac().isPresent())
                .findFirst()
                .map(other -> new Flooded(other.mac().get(), "arp " + ip + " flooded to " + remote + " (all-zeros fdb): "
                        + ip + " is-at " + other.mac().get() + " (" + node.ns().key() + "'s " + other.name() + ")")));
    }

    /** The device that takes a VXLAN packet arriving at the address: same port and VNI, bound to it or to any, up. */
    static Optional<Link> listener(Namespace ns, InFlight.VxlanFrame frame, Ipv4 outerDst, boolean mustBeUp) {
        for (Link vx : ns.vxlans()) {
            VxlanInfo info = info(vx);
            if (info.port() == frame.port() && info.vni() == frame.vni()
                    && info.local().map(outerDst::equals).orElse(true) && (vx.isUp() || !mustBeUp)) {
                return Optional.of(vx);
            }
        }
        return Optional.empty();
    }
}
