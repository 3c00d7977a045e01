package dev.vxlab.detectors.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What the cluster view concluded.
 *
 * @param nodes      how many nodes flannel published
 * @param observed   how many of them were observed (a snapshot or a diagnosis)
 * @param duplicates values several nodes share
 * @param drifted    nodes whose VXLAN device's MAC is not the VtepMAC they published
 * @param stale      peers holding a MAC a node's device no longer has
 * @param fixOrder   what to do, in order
 */
public record ClusterReport(int nodes, int observed, List<Duplicate> duplicates, List<Drift> drifted,
                            List<StaleHolder> stale, List<FixStep> fixOrder) {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public ClusterReport {
        duplicates = List.copyOf(duplicates);
        drifted = List.copyOf(drifted);
        stale = List.copyOf(stale);
        fixOrder = List.copyOf(fixOrder);
    }

    /** A value several nodes share; {@code what} is "published VtepMAC", "device MAC", "published public-ip" or "address". */
    public record Duplicate(String what, String value, List<String> nodes) {
        public static final String PUBLISHED_VTEP_MAC = "published VtepMAC";
        public static final String PUBLISHED_PUBLIC_IP = "published public-ip";
        public static final String DEVICE_MAC = "device MAC";
        public static final String ADDRESS = "address";
        /** Every {@code what} a duplicate can name. */
        public static final List<String> KINDS = List.of(PUBLISHED_VTEP_MAC, PUBLISHED_PUBLIC_IP, DEVICE_MAC, ADDRESS);

        public Duplicate {
            nodes = List.copyOf(nodes);
        }
    }

    /** A node whose device MAC differs from what it published: it is the one that changed. */
    public record Drift(String node, String published, String device) {}

    /**
     * A peer holding a MAC for a node that the node's device no longer has.
     *
     * @param becauseDrifted true when the owner drifted (the holder was right to hold what was published: re-syncing
     *                       the owner cures it); false when the holder missed a publication on its own
     * @param observed       true when read from the holder's neighbor entries, false when inferred from the publication
     */
    public record StaleHolder(String holder, String about, String held, String current, boolean becauseDrifted,
                              boolean observed) {}

    /** One step: which fix on which node, and why it comes at this point. */
    public record FixStep(int order, String node, String fix, String why) {}

    /** Nothing to fix: no duplicate, no drift, no stale holder. */
    public boolean consistent() {
        return duplicates.isEmpty() && drifted.isEmpty() && stale.isEmpty();
    }

    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append("cluster view: ").append(nodes).append(" nodes, ").append(observed).append(" observed: ")
                .append(consistent() ? "consistent" : "INCONSISTENT").append('\n');
        if (!duplicates.isEmpty()) {
            out.append("duplicates:\n");
            duplicates.forEach(d -> out.append("  ").append(d.what()).append(' ').append(d.value()).append(" on ")
                    .append(String.join(", ", d.nodes())).append('\n'));
        }
        if (!drifted.isEmpty()) {
            out.append("drifted (device MAC != published VtepMAC):\n");
            drifted.forEach(d -> out.append("  ").append(d.node()).append(": device ").append(d.device())
                    .append(", published ").append(d.published()).append('\n'));
        }
        if (!stale.isEmpty()) {
            out.append("stale holders (hold a MAC the node no longer has):\n");
            stale.forEach(s -> out.append("  ").append(s.holder()).append(" holds ").append(s.held()).append(" for ")
                    .append(s.about()).append(" (device ").append(s.current()).append("; ")
                    .append(s.becauseDrifted() ? s.about() + " drifted" : "missed the publication")
                    .append(s.observed() ? "" : "; inferred from the publication").append(")\n"));
        }
        if (!fixOrder.isEmpty()) {
            out.append("fix order:\n");
            fixOrder.forEach(f -> out.append("  ").append(f.order()).append(". ").append(f.node()).append(": ")
                    .append(f.fix()).append(" (").append(f.why()).append(")\n"));
        }
        return out.toString();
    }

    /** {@code {"nodes", "observed", "consistent", "duplicates", "drifted", "stale", "fixOrder"}}, indented. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("nodes", nodes);
        root.put("observed", observed);
        root.put("consistent", consistent());
        root.set("duplicates", JSON.valueToTree(duplicates));
        root.set("drifted", JSON.valueToTree(drifted));
        root.set("stale", JSON.valueToTree(stale));
        root.set("fixOrder", JSON.valueToTree(fixOrder));
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the cluster view", e); // records of strings always render
        }
    }
}
