package dev.vxlab.scenarios.file;

import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.PodPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * The row and column labels {@code Lab.matrix} gives a cluster (sources: every node, every application pod;
 * targets: every pod's metrics endpoint and cluster DNS over UDP and TCP), known before the cluster exists so a
 * file can be checked without building it. The runner checks the measured matrix carries exactly these labels.
 */
public record MatrixLabels(List<String> sources, List<String> targets) {

    public static MatrixLabels of(ClusterSpec spec) {
        List<String> sources = new ArrayList<>();
        spec.nodes().forEach(node -> sources.add("node " + node.name()));
        spec.pods().stream().filter(pod -> !pod.dns()).forEach(pod -> sources.add("pod " + pod.label()));
        List<String> targets = new ArrayList<>(spec.pods().stream().map(PodPlan::label).toList());
        if (!spec.dnsPods().isEmpty()) {
            targets.add("dns/udp");
            targets.add("dns/tcp");
        }
        return new MatrixLabels(List.copyOf(sources), List.copyOf(targets));
    }
}
