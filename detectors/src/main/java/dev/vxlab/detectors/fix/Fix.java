package dev.vxlab.detectors.fix;

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
    List<FixStep> plan(List<Finding> findings, DetectionInput input);
}
