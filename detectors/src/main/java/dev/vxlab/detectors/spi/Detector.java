package dev.vxlab.detectors.spi;

import java.util.List;
import java.util.Set;

/**
 * Names faults in one node's snapshot. Implementations are found with {@link java.util.ServiceLoader} (list them in
 * {@code META-INF/services/dev.vxlab.detectors.spi.Detector}; a public class with a public no-argument constructor).
 *
 * <p>A detector is a pure function of its input: no I/O, no clock, no state between calls, so it is fast, safe to call
 * from any thread, and testable with snapshots built in code. It reports root causes, not their consequences: when a
 * fault makes the kernel drop other state (a device's address gone takes its routes), only the fault is reported.
 */
public interface Detector {

    /** A short stable name, for logs and for choosing detectors. */
    String name();

    /** The faults this detector finds on the input's node; empty when it finds none. */
    List<Finding> examine(DetectionInput input);

    /**
     * Whether this detector is a fallback: the {@link Doctor} runs it after every other detector and hands it their
     * findings ({@link #examine(DetectionInput, List)}), so it can stay silent where a specific detector already
     * named a cause (the generic {@code path-broken}).
     */
    default boolean fallback() {
        return false;
    }

    /**
     * The parts of the node's snapshot this detector reads (helpers it calls included). After a change of other parts
     * only, the {@link Doctor} keeps its last findings instead of running it ({@link Doctor#reexamine}); every part
     * unless a detector says less. A fallback runs every time whatever it says. The rest of the input (the node, the
     * advertised view, subnet.env, flannel's configuration, the earlier snapshot) is assumed unchanged between two
     * such examinations.
     */
    default Set<StatePart> reads() {
        return StatePart.ALL;
    }

    /** A fallback's examination, given what the other detectors found on the same node. */
    default List<Finding> examine(DetectionInput input, List<Finding> others) {
        return examine(input);
    }
}
