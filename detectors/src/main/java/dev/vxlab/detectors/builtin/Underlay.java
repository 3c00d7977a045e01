package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The device VXLAN packets leave through, as the underlay detectors see it: the VXLAN device's own (IFLA_VXLAN_LINK,
 * else the link holding its local address), else the link holding the published public-ip, else the device of the
 * main table's default route. Empty when none of these names a link.
 */
final class Underlay {
    private Underlay() {}

    static Optional<Link> of(DetectionInput in) {
        NodeState s = in.current();
        Optional<Link> own = Vtep.of(in).underlay(s);
        if (own.isPresent()) {
            return own;
        }
        Optional<Link> holding = holder(s, in.self().publicIp());
        if (holding.isPresent()) {
            return holding;
        }
        // Renumbered within its subnet: the link whose address's subnet holds the published public-ip.
        Optional<Link> subnet = s.addresses().stream()
                .filter(a -> a.prefix().length() > 0 && a.prefix().length() < 32 && a.prefix().contains(in.self().publicIp()))
                .findFirst().flatMap(a -> s.link(a.link().index()));
        if (subnet.isPresent()) {
            return subnet;
        }
        return defaultRoutes(s).stream().flatMap(r -> r.dev().stream()).findFirst()
                .flatMap(ref -> s.link(ref.index()));
    }

    /** The link holding an address, if any. */
    static Optional<Link> holder(NodeState s, Ipv4 ip) {
        return s.addresses().stream().filter(a -> a.prefix().address().equals(ip)).findFirst()
                .flatMap(a -> s.link(a.link().index()));
    }

    /**
     * The unicast default routes, the main table's first. Any table but local counts: the snapshot holds no policy
     * rules, and a host that routes by policy keeps its default route in a table of its own.
     */
    static List<Route> defaultRoutes(NodeState s) {
        // One pass over the routes (a 1000-node cluster gives a node some 1000): several detectors ask this.
        List<Route> main = new ArrayList<>(2);
        List<Route> others = new ArrayList<>(0);
        for (Route r : s.routes()) {
            if (r.table() != Route.TABLE_LOCAL && r.isDefault() && r.type() == Route.Type.UNICAST) {
                (r.table() == Route.TABLE_MAIN ? main : others).add(r);
            }
        }
        main.addAll(others);
        return List.copyOf(main);
    }

    /** Up and with a carrier: what the kernel needs to send through a device. */
    static boolean usable(Link l) {
        return l.isUp() && (l.has(Link.Flag.LOWER_UP) || l.isLoopback());
    }
}
