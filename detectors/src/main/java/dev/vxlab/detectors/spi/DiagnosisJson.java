package dev.vxlab.detectors.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Renders a {@link Diagnosis} in its public JSON shape; built as a tree so the key order is the contract's. */
final class DiagnosisJson {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private DiagnosisJson() {}

    /** Reads the shape {@link #render} writes; one sentence naming what is wrong otherwise. */
    static Diagnosis parse(String json) {
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.path("node").isTextual() || !root.path("findings").isArray()) {
            throw new IllegalArgumentException("not a diagnosis: it needs \"node\" and \"findings\" (the doctor's --json)");
        }
        java.util.List<Finding> findings = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode f : root.get("findings")) {
            java.util.List<String> fixes = new java.util.ArrayList<>();
            f.path("fixes").forEach(x -> fixes.add(x.asText()));
            Severity severity;
            try {
                severity = Severity.valueOf(f.path("severity").asText().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("finding " + f.path("fault").asText() + " has severity '"
                        + f.path("severity").asText() + "'; one of critical, warning, risk, info");
            }
            findings.add(new Finding(f.path("fault").asText(), f.path("node").asText(), f.path("device").asText(),
                    f.path("expected").asText(), f.path("actual").asText(), f.path("summary").asText(), severity,
                    fixes));
        }
        return Diagnosis.of(root.get("node").asText(), findings);
    }

    static String render(Diagnosis diagnosis) {
        ObjectNode root = JSON.createObjectNode();
        root.put("node", diagnosis.node());
        root.put("healthy", diagnosis.healthy());
        ArrayNode findings = root.putArray("findings");
        for (Finding f : diagnosis.findings()) {
            ObjectNode out = findings.addObject();
            out.put("fault", f.fault());
            out.put("node", f.node());
            out.put("device", f.device());
            out.put("expected", f.expected());
            out.put("actual", f.actual());
            out.put("summary", f.summary());
            out.put("severity", f.severity().label());
            ArrayNode fixes = out.putArray("fixes");
            f.fixes().forEach(fixes::add);
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a diagnosis", e); // a tree of strings always renders
        }
    }
}
