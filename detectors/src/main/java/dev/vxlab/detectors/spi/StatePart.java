package dev.vxlab.detectors.spi;

import dev.vxlab.detectors.state.NodeState;
import java.util.EnumSet;
import java.util.Set;

/**
 * The parts of a {@link NodeState} a {@link Detector} may read ({@link Detector#reads()}), so that after a change of
 * some parts only the detectors reading them run again. {@link #LINKS} includes the links' counters.
 */
public enum StatePart {
    LINKS, ADDRESSES, ROUTES, NEIGHBORS, FDB, SYSCTLS, NETWORK_MANAGER, FIREWALL, RULES, UDEV;

    /** Every part: what a detector that does not say reads. */
    public static final Set<StatePart> ALL = Set.copyOf(EnumSet.allOf(StatePart.class));

    /** The parts in which two snapshots differ (each compared whole, counters included). */
    public static Set<StatePart> changed(NodeState before, NodeState after) {
        EnumSet<StatePart> out = EnumSet.noneOf(StatePart.class);
        if (!before.links().equals(after.links())) {
            out.add(LINKS);
        }
        if (!before.addresses().equals(after.addresses())) {
            out.add(ADDRESSES);
        }
        if (!before.routes().equals(after.routes())) {
            out.add(ROUTES);
        }
        if (!before.neighbors().equals(after.neighbors())) {
            out.add(NEIGHBORS);
        }
        if (!before.fdb().equals(after.fdb())) {
            out.add(FDB);
        }
        if (!before.sysctls().equals(after.sysctls())) {
            out.add(SYSCTLS);
        }
        if (!before.networkManager().equals(after.networkManager())) {
            out.add(NETWORK_MANAGER);
        }
        if (!before.firewall().equals(after.firewall())) {
            out.add(FIREWALL);
        }
        if (!before.rules().equals(after.rules())) {
            out.add(RULES);
        }
        if (!before.udev().equals(after.udev())) {
            out.add(UDEV);
        }
        return out;
    }
}
