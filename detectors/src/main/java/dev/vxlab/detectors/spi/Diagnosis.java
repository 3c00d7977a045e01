package dev.vxlab.detectors.spi;

import java.util.List;
import java.util.Objects;

/**
 * What the doctor concluded about one node.
 *
 * @param node     the node's name
 * @param healthy  true when no finding impairs traffic ({@link Severity#impairsTraffic()}): a node with only RISK or
 *                 INFO findings works now
 * @param findings every finding, sorted by {@link Finding#ORDER} (worst first, then fault id, then device)
 */
public record Diagnosis(String node, boolean healthy, List<Finding> findings) {

    public Diagnosis {
        Objects.requireNonNull(node, "node");
        findings = findings.stream().sorted(Finding.ORDER).toList();
        boolean impaired = findings.stream().anyMatch(f -> f.severity().impairsTraffic());
        if (healthy == impaired) {
            throw new IllegalArgumentException("node " + node + " is " + (impaired ? "not healthy" : "healthy")
                    + " by its findings");
        }
    }

    /** A diagnosis whose health follows from its findings. */
    public static Diagnosis of(String node, List<Finding> findings) {
        return new Diagnosis(node, findings.stream().noneMatch(f -> f.severity().impairsTraffic()), findings);
    }

    /**
     * {@code {"node": …, "healthy": bool, "findings": [{"fault", "node", "device", "expected", "actual", "summary",
     * "severity", "fixes"}, …]}}, severity in lower case, indented.
     */
    public String toJson() {
        return DiagnosisJson.render(this);
    }

    /** Reads {@link #toJson()}'s shape back (a node doctor's --json output); IllegalArgumentException otherwise. */
    public static Diagnosis fromJson(String json) {
        return DiagnosisJson.parse(json);
    }
}
