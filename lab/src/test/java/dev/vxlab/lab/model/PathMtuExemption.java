package dev.vxlab.lab.model;

import dev.vxlab.detectors.model.Exchange;
import dev.vxlab.lab.fault.Fault;
import dev.vxlab.lab.spec.ClusterSpec;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one exception of the differential tests ({@link ModelMatchesKernelTest}, the kernel tier): a cell the kernel
 * passed where the model drops a frame too big for the flow's own source node's underlay may have been saved by a
 * path MTU the kernel learned while the matrix was measured ({@link Exchange#dependsOnLearnedPathMtu()}). It is
 * exempted only where a fault in place lowered that node's eth0 MTU, and the exempted cells must stay a small share of
 * the cells compared ({@link #MAX_SHARE}), so the exception cannot grow into a blind spot.
 */
public final class PathMtuExemption {
    /** The underlay device of every lab node. */
    public static final String UNDERLAY = "eth0";
    /**
     * At most this share of the cells a run compares may be exempted. A lowered eth0 can only save its own node's
     * row of the matrix (a sixth of it on 3 nodes, a twelfth on 6), and only some schedules lower one.
     */
    public static final double MAX_SHARE = 0.05;

    private PathMtuExemption() {}

    /** The nodes (by name) whose eth0 a fault in place has set below the cluster's underlay MTU. */
    public static Set<String> loweredUnderlays(Collection<Fault> faults, ClusterSpec spec) {
        Set<String> nodes = new TreeSet<>();
        for (Fault f : faults) {
            if (f instanceof Fault.MtuReset reset && reset.device().equals(UNDERLAY)
                    && reset.mtu() < spec.underlayMtu()) {
                nodes.add(spec.node(reset.node()).name());
            }
        }
        return nodes;
    }

    /**
     * Whether a cell the kernel passed and the model failed is exempted: the model's exchange dies of a frame too big
     * at its own source node, and a fault lowered that node's eth0.
     */
    public static boolean exempt(Exchange modelled, Set<String> loweredUnderlays) {
        return modelled.dependsOnLearnedPathMtu() && loweredUnderlays.contains(modelled.source());
    }

    /** Empty when the exempted cells are within {@link #MAX_SHARE} of those compared; otherwise what is wrong. */
    public static String shareProblem(int exempted, int compared) {
        if (exempted <= MAX_SHARE * compared) {
            return "";
        }
        return exempted + " of " + compared + " cells were exempted as path-MTU dependent, more than "
                + Math.round(MAX_SHARE * 100) + "%: the model is wrong about more than a learned path MTU";
    }
}
