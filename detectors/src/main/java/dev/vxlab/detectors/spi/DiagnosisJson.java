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
