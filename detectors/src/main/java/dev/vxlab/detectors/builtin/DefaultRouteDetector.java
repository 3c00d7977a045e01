package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.state.Route;
import java.util.List;
import java.util.Optional;

/**
 * Emits {@code default-route-missing} (a warning): no table but local has a unicast default route (the snapshot holds
 * no policy rules, so a policy-routing host's own table counts). Peers on the underlay's own
 * subnet still work, so pod paths may all pass, but flanneld finds its interface through the default route (its next
 * start fails without one), and the node itself reaches no address outside its subnets: the API server, and Service
 * ClusterIPs that only the default route covers. The kernel deletes the route with a device that goes down and does
 * not add it back when the device comes up (the lab's link-down of eth0); silent while the underlay is down or
 * without a carrier, whose own findings name the cause. When the previous snapshot had a default route, the finding
 * names it and offers {@code restore-default-route}; otherwise only the node's network configuration knows it.
 */
public final class DefaultRouteDetector implements Detector {

    @Override
    public String name() {
        return "default-route";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        NodeState s = in.current();
        if (!Underlay.defaultRoutes(s).isEmpty()) {
            return List.of();
        }
        Optional<Link> underlay = Underlay.of(in);
        if (underlay.isPresent() && !Underlay.usable(underlay.get())) {
            return List.of();
        }
        String dev = underlay.map(Link::name).orElse(in.flannel().vtepDevice());
        Optional<Route> before = previousDefault(in);
        String expected = before.map(r -> Text.route(r).replace("0.0.0.0/0", "default") + " (in the previous snapshot)")
                .orElse("a default route in the main table");
        String summary = in.nodeName() + " has no default route: the node reaches no address outside its own subnets"
                + " (the API server, Service ClusterIPs only the default route covers) and flanneld's next start"
                + " cannot find its interface; "
                + before.map(r -> "add it back: ip route add " + Text.route(r).replace("0.0.0.0/0", "default"))
                        .orElse("re-apply the node's network configuration (nmcli device reapply " + dev
                                + ", networkctl reconfigure " + dev + ") or ip route add default via GATEWAY dev "
                                + dev);
        var kind = before.isPresent() ? Catalog.DEFAULT_ROUTE_MISSING : Catalog.DEFAULT_ROUTE_MISSING.withFixes();
        return List.of(kind.finding(in, dev, expected, "no default route (main table or any other)", summary));
    }

    /** The previous snapshot's unicast default route of the main table through a gateway, when it had one. */
    static Optional<Route> previousDefault(DetectionInput in) {
        return in.previous().flatMap(p -> Underlay.defaultRoutes(p).stream()
                .filter(r -> r.table() == Route.TABLE_MAIN && r.gateway().isPresent() && r.dev().isPresent())
                .findFirst());
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.ADDRESSES, StatePart.ROUTES); }
}
