package dev.vxlab.detectors.agent;

import dev.vxlab.detectors.spi.Finding;
import java.time.Instant;
import java.util.Objects;

/**
 * A finding that appeared or cleared at a moment. A finding is the same finding while its fault, node and device are:
 * new evidence for a fault already shown (a counter that rose further) is not a change.
 */
public record FindingChange(Instant at, Kind kind, Finding finding) {
    public enum Kind { APPEARED, CLEARED }

    public FindingChange {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(finding, "finding");
    }

    /** {@code + fault device: summary} or {@code - cleared fault device: summary}. */
    public String render() {
        return (kind == Kind.APPEARED ? "+ " : "- cleared ") + finding.fault() + " "
                + (finding.device().isEmpty() ? "-" : finding.device()) + ": " + finding.summary();
    }
}
