package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.Scope;
import java.util.Locale;
import java.util.Optional;

/** Source address selection, path MTU from the routes, and the one-line texts of routes and neighbors. */
final class Routing {
    private static final int USABLE_NEIGHBOR = Neighbor.State.PERMANENT.bit() | Neighbor.State.NOARP.bit()
            | Neighbor.State.REACHABLE.bit() | Neighbor.State.STALE.bit() | Neighbor.State.DELAY.bit()
            | Neighbor.State.PROBE.bit();

    private Routing() {}

    /** The route's next hop: its gateway, or the destination itself on a directly connected prefix. */
    static Ipv4 nextHop(Route route, Ipv4 dst) {
        return route.gateway().orElse(dst);
    }

    /**
     * The source address the kernel picks for a route without a given one (inet_select_addr): the route's prefsrc;
     * else a primary address of the outgoing device whose scope fits the route's, preferring one on the next hop's
     * subnet; else any such address of another device (the kernel falls back to the namespace's other devices).
     */
    static Optional<Ipv4> source(Namespace ns, Route route, Link dev, Ipv4 nextHop) {
        if (route.prefsrc().isPresent()) {
            return route.prefsrc();
        }
        Scope scope = route.scope();
        Ipv4 first = null;
        for (Address address : ns.addressesOf(dev)) {
            if (address.scope().compareTo(scope) > 0) {
                continue;
            }
            if (address.prefix().contains(nextHop)) {
                return Optional.of(address.prefix().address());
            }
            if (first == null) {
                first = address.prefix().address();
            }
        }
        if (first != null) {
            return Optional.of(first);
        }
        for (Link other : ns.links()) {
            for (Address address : ns.addressesOf(other)) {
                if (address.scope().compareTo(Scope.LINK) < 0 && address.scope().compareTo(scope) <= 0) {
                    return Optional.of(address.prefix().address());
                }
            }
        }
        return Optional.empty();
    }

    /** The MTU of the route towards the address: what TCP derives its MSS and segment size from. */
    static int routeMtu(Namespace ns, Ipv4 dst) {
        return ns.route(dst).map(route -> switch (route.type()) {
            case UNICAST -> route.dev().flatMap(ns::link).map(Link::mtu).orElse(1500);
            case LOCAL -> ns.links().stream().filter(Link::isLoopback).findFirst().map(Link::mtu).orElse(65536);
            default -> 1500;
        }).orElse(1500);
    }

    /** Entries the kernel sends with at once; INCOMPLETE, FAILED and NONE mean it must resolve the address again. */
    static boolean usable(Neighbor neighbor) {
        return neighbor.mac().isPresent() && (neighbor.state() & USABLE_NEIGHBOR) != 0;
    }

    /** A route as {@code ip route} prints it, shortened: {@code 10.187.1.0/24 via 10.187.1.0 dev flannel.1 onlink}. */
    static String text(Route route) {
        StringBuilder out = new StringBuilder();
        if (route.type() != Route.Type.UNICAST) {
            out.append(route.type().name().toLowerCase(Locale.ROOT)).append(' ');
        }
        Ipv4 dst = route.dst().address();
        out.append(route.isDefault() ? "default" : route.dst().length() == 32 ? dst.toString() : route.dst().toString());
        route.gateway().ifPresent(g -> out.append(" via ").append(g));
        route.dev().ifPresent(d -> out.append(" dev ").append(d.name()));
        if (route.table() != Route.TABLE_MAIN) {
            out.append(" table ").append(route.table() == Route.TABLE_LOCAL ? "local"
                    : route.table() == Route.TABLE_DEFAULT ? "default" : Integer.toUnsignedString(route.table()));
        }
        route.prefsrc().ifPresent(s -> out.append(" src ").append(s));
        if (route.onlink()) {
            out.append(" onlink");
        }
        if (route.has(Route.Flag.LINKDOWN)) {
            out.append(" linkdown");
        }
        return out.toString();
    }

    /** A neighbor entry as {@code ip neigh} prints it, without the device: {@code 10.187.1.0 lladdr 2a:… PERMANENT}. */
    static String text(Neighbor neighbor) {
        String full = neighbor.toString();
        return full.replace(" dev " + neighbor.dev().name(), "");
    }
}
