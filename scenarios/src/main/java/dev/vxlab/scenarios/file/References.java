package dev.vxlab.scenarios.file;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.lab.probe.Probe;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import dev.vxlab.lab.spec.PodPlan;
import java.util.ArrayList;
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
        return spec.findNode(ref).or(() -> bySubnet(ref)).map(NodePlan::name).orElseThrow(() -> schema.error(node,
                "unknown node " + Excerpt.quote(ref) + " (this cluster's nodes: 0.." + (spec.nodes().size() - 1) + " or "
                + String.join(", ", spec.nodes().stream().map(NodePlan::name).toList())
                + ", or an address of a node's pod subnet)"));
    }

    /** A node named by an address of its pod subnet: {@code 10.187.1.24} is the node that runs that pod. */
    private Optional<NodePlan> bySubnet(String ref) {
        try {
            return spec.nodeOwning(Ipv4.parse(ref));
        } catch (IllegalArgumentException notAnAddress) {
            return Optional.empty();
        }
    }

    /**
     * The cells whose paths cross a node's VXLAN device: from the node (and its pods) to every pod elsewhere and the
     * cluster DNS, and from everywhere else to the node's pods. DNS is resolved by CoreDNS pods, so they must all
     * run elsewhere for the DNS cells to be determined.
     */
    List<Cells> across(YamlNode node, int line) throws ScenarioFileException {
        NodePlan across = spec.node(node(node));
        if (spec.dnsPods().stream().anyMatch(p -> p.node().equals(across.name()))) {
            throw schema.error(node, "across " + across.name() + ": a CoreDNS pod runs there, so whether DNS crosses "
                    + "it depends on which one answers; list the cells instead");
        }
        List<String> here = new ArrayList<>();
        List<String> elsewhere = new ArrayList<>();
        for (String source : labels.sources()) {
            (onNode(source, across.name()) ? here : elsewhere).add(source);
        }
        List<String> targetsHere = new ArrayList<>();
        List<String> targetsElsewhere = new ArrayList<>();
        for (String target : labels.targets()) {
            (onNode(target, across.name()) ? targetsHere : targetsElsewhere).add(target);
        }
        List<Cells> cells = new ArrayList<>();
        cells.add(new Cells(line, here, targetsElsewhere));
        if (!targetsHere.isEmpty()) {
            cells.add(new Cells(line, elsewhere, targetsHere));
        }
        return cells;
    }

    private static boolean onNode(String label, String node) {
        return label.equals("node " + node) || label.endsWith("@" + node);
    }

    /** {@code http://IP:PORT/PATH}: a single check's HTTP GET to any address, like the field's curl to the Service. */
    static Probe.HttpGet url(Schema schema, YamlNode node) throws ScenarioFileException {
        String text = schema.text(node, "a target");
        try {
            return ProbeCheck.url(text);
        } catch (IllegalArgumentException e) {
            throw schema.error(node, Excerpt.quote(text) + " is not a URL like http://10.186.0.2:9153/metrics ("
                    + e.getMessage() + ")");
        }
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
        Optional<PodPlan> pod = spec.pods().stream().filter(p -> p.ip().toString().equals(ref)).findFirst();
        if (ref.equals("*") || ref.startsWith("dns/")) {
            label = ref;
        } else if (pod.isPresent()) {
            label = pod.get().label(); // a pod by its IP, as the field's curl named it
        } else if (ref.contains("@")) {
            label = podRef(ref, node);
        } else {
            throw schema.error(node, Excerpt.quote(ref) + " is not a target; write 'NAME@N' or a pod's IP (a pod), dns/udp, "
                    + "dns/tcp, or a URL http://IP:PORT/PATH in a check");
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
