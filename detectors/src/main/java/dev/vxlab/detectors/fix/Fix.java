package dev.vxlab.detectors.fix;

import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import java.util.List;

/**
 * A cure for some findings, discovered with {@link java.util.ServiceLoader}. A fix only plans: it is a pure function of
 * the findings and the node's input, so a dry run prints exactly what {@code --apply} would do.
 */
public interface Fix {

    /** The fix id findings refer to ({@link dev.vxlab.detectors.spi.FixIds}). */
    String id();

    /** One line for people: what it does. */
    String description();

    /** The steps that cure these findings (all of them name this fix) on the input's node. */
    List<NodeAction> plan(List<Finding> findings, DetectionInput input);

    /**
     * Where this fix's plan goes among a node's plans, lowest first, so no plan undoes or waits on a later one:
     * {@link #CONFIGURATION} (what keeps a cure from being undone, e.g. NetworkManager's drop-in), {@link #SYSCTLS},
     * {@link #LINKS} (bridge ports, link state, MTU), {@link #ADDRESSES} (and the MACs they answer for),
     * {@link #PEER_ENTRIES} (routes, neighbors, FDB), {@link #FLANNELD} (a restart re-reads all of the above).
     * Plug-ins that do not say go last, after flanneld; equal ranks keep the findings' order.
     */
    default int rank() {
        return LAST;
    }

    int CONFIGURATION = 100;
    int SYSCTLS = 200;
    int LINKS = 300;
    int ADDRESSES = 400;
    int PEER_ENTRIES = 500;
    int FLANNELD = 900;
    int LAST = 1000;
}
