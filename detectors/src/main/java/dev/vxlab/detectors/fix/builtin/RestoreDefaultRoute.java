package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import dev.vxlab.detectors.state.Route;
import java.util.List;

/**
 * Adds back the default route of the node's previous snapshot (the only place the doctor can know its gateway from;
 * findings without one do not name this fix).
 */
public final class RestoreDefaultRoute implements Fix {
    @Override
    public String id() {
        return FixIds.RESTORE_DEFAULT_ROUTE;
    }

    @Override
    public int rank() {
        return PEER_ENTRIES - 10;
    }

    @Override
    public String description() {
        return "add back the default route the node had in its previous snapshot";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        return input.previous().stream()
                .flatMap(p -> p.routesIn(Route.TABLE_MAIN).stream())
                .filter(r -> r.isDefault() && r.type() == Route.Type.UNICAST && r.gateway().isPresent()
                        && r.dev().isPresent())
                .findFirst()
                .<NodeAction>map(r -> NodeAction.Run.of("ip", "route", "replace", "default", "via",
                        r.gateway().get().toString(), "dev", r.dev().get().name()))
                .stream().toList();
    }
}
