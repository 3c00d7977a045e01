package dev.vxlab.lab.report;

import dev.vxlab.detectors.spi.Finding;
import java.util.List;

/**
 * What the doctor said at one point of a run: its findings on every node it examined, worst first. No findings
 * means it found every examined node healthy.
 *
 * @param phase     what was going on ("during vtep-mac-drift on 172.31.159.19")
 * @param atSeconds when, in seconds since the run started
 * @param nodes     the nodes it examined
 */
public record Examination(String phase, double atSeconds, List<String> nodes, List<Finding> findings) {
    public Examination {
        nodes = List.copyOf(nodes);
        findings = findings.stream().sorted(Finding.ORDER).toList();
    }
}
