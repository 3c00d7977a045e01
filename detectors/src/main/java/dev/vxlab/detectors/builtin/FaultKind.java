package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.Severity;
import java.util.List;

/** A fault id with the severity and fixes its findings usually carry; detectors build their findings from these. */
record FaultKind(String id, Severity severity, List<String> fixes) {

    FaultKind {
        fixes = List.copyOf(fixes);
    }

    Finding finding(DetectionInput in, String device, String expected, String actual, String summary) {
        return new Finding(id, in.nodeName(), device, expected, actual, summary, severity, fixes);
    }

    FaultKind withSeverity(Severity other) {
        return new FaultKind(id, other, fixes);
    }

    FaultKind withFixes(String... other) {
        return new FaultKind(id, severity, List.of(other));
    }
}
