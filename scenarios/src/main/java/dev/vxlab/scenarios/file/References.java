package dev.vxlab.scenarios.file;

import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import java.util.List;
import java.util.Optional;

/**
 * Resolves what a file calls nodes and matrix cells against its cluster: {@code 0}, a name or an IP for a node;
 * {@code node N}, {@code pod NAME@N} for sources; {@code NAME@N}, {@code dns/udp} for targets; {@code *} in
 * patterns. The result is the matrix label with node names, and it must match at least one cell.
 */
final class References {
    private final Schema schema;
    private final ClusterSpec spec;
    private final MatrixLabels labels;

    References(Schema schema, ClusterSpec spec) {
        this.schema = schema;
        this.spec = spec;
        this.labels = MatrixLabels.of(spec);
    }

    String node(YamlNode node) throws ScenarioFileException {
        String ref = schema.text(node, "node");
        return spec.findNode(ref).map(NodePlan::name).orElseThrow(() -> schema.error(node, "unknown node '" + ref
                + "' (this cluster's nodes: 0.." + (spec.nodes().size() - 1) + " or "
                + String.join(", ", spec.nodes().stream().map(NodePlan::name).toList()) + ")"));
    }

    String source(YamlNode node) throws ScenarioFileException {
        String ref = schema.text(node, "a source");
        String label;
        if (ref.equals("*")) {
            label = ref;
        } else if (ref.startsWith("node ")) {
            label = "node " + nodePart(ref.substring(5).strip(), node);
        } else if (ref.startsWith("pod ") && ref.contains("@")) {
            label = "pod " + podRef(ref.substring(4).strip(), node);
        } else {
            throw schema.error(node, Excerpt.quote(ref) + " is not a source; write 'node N' or 'pod NAME@N'");
        }
        return matching(label, labels.sources(), node, "source");
    }

    String target(YamlNode node) throws ScenarioFileException {
        String ref = schema.text(node, "a target");
        String label;
        if (ref.equals("*") || ref.startsWith("dns/")) {
            label = ref;
        } else if (ref.contains("@")) {
            label = podRef(ref, node);
        } else {
            throw schema.error(node, Excerpt.quote(ref) + " is not a target; write 'NAME@N' (a pod) or dns/udp, dns/tcp");
        }
        return matching(label, labels.targets(), node, "target");
    }

    private String podRef(String ref, YamlNode at) throws ScenarioFileException {
        int split = ref.lastIndexOf('@');
        return ref.substring(0, split) + "@" + nodePart(ref.substring(split + 1), at);
    }

    private String nodePart(String ref, YamlNode at) throws ScenarioFileException {
        if (ref.equals("*")) {
            return ref;
        }
        Optional<NodePlan> node = spec.findNode(ref);
        if (node.isEmpty()) {
            throw schema.error(at, "unknown node " + Excerpt.quote(ref) + " (this cluster's nodes: 0.." + (spec.nodes().size() - 1)
                    + " or their names)");
        }
        return node.get().name();
    }

    private String matching(String pattern, List<String> known, YamlNode at, String what) throws ScenarioFileException {
        if (known.stream().noneMatch(label -> Cells.matches(pattern, label))) {
            throw schema.error(at, Excerpt.quote(pattern) + " matches no " + what + " of this cluster (" + what + "s: "
                    + String.join(", ", known) + ")");
        }
        return pattern;
    }
}
