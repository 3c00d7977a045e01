package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.Sysctls;
import java.util.Optional;

/**
 * The kernel's source validation of a received packet (fib_validate_source): with rp_filter off, only a source that
 * is one of this namespace's own addresses is refused (a martian); with rp_filter on, the route back to the source
 * must be unicast, and in strict mode it must leave through the device the packet came in on.
 */
final class ReversePath {
    private ReversePath() {}

    static Optional<Verdict.Dropped> check(Namespace ns, Link in, Ipv4 src) {
        if (in.isLoopback()) {
            return Optional.empty();
        }
        int mode = ns.sysctls().effectiveRpFilter(in.name());
        if (mode == Sysctls.RP_FILTER_OFF) {
            return ns.ownsAddress(src) ? Optional.of(drop(ns, in, "martian source " + src + " on " + in.name()
                    + ": it is an address of " + ns.key() + " itself")) : Optional.empty();
        }
        String filter = "rp_filter=" + mode + (mode == Sysctls.RP_FILTER_STRICT ? " (strict)" : " (loose)") + " on "
                + in.name();
        Optional<Route> back = ns.route(src);
        if (back.isEmpty() || back.get().type() != Route.Type.UNICAST) {
            return Optional.of(drop(ns, in, filter + ": no unicast route back to " + src
                    + back.map(r -> " (" + Routing.text(r) + ")").orElse("")));
        }
        if (mode == Sysctls.RP_FILTER_STRICT && back.get().dev().filter(d -> d.index() == in.index()).isEmpty()) {
            return Optional.of(drop(ns, in, filter + ": the route back to " + src + " leaves through "
                    + back.get().dev().map(d -> d.name()).orElse("no device") + ", not " + in.name()));
        }
        return Optional.empty();
    }

    private static Verdict.Dropped drop(Namespace ns, Link in, String fact) {
        return new Verdict.Dropped(ns.key(), in.name(), Verdict.Cause.SOURCE_REJECTED, fact);
    }
}
