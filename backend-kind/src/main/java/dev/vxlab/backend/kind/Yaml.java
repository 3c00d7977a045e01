package dev.vxlab.backend.kind;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.List;

/** Jackson YAML, set up for manifests a person reads: no document marker, plain scalars, multi-line strings as |. */
final class Yaml {
    static final ObjectMapper MAPPER = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // "9153" in a command must stay a string: unquoted, Kubernetes would read a number and refuse the pod.
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .build());
    static final ObjectMapper JSON = new ObjectMapper();

    private Yaml() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Several objects as one multi-document stream, as kubectl apply -f takes it. */
    static String documents(List<? extends JsonNode> nodes) {
        StringBuilder out = new StringBuilder();
        for (JsonNode node : nodes) {
            out.append("---\n").append(write(node));
        }
        return out.toString();
    }

    static String json(JsonNode node) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode metadata(ObjectNode resource) {
        return (ObjectNode) resource.get("metadata");
    }

    /** A Kubernetes object's head: apiVersion, kind, metadata.name (and namespace when given). */
    static ObjectNode resource(String apiVersion, String kind, String name, String namespace) {
        ObjectNode o = object();
        o.put("apiVersion", apiVersion).put("kind", kind);
        ObjectNode metadata = o.putObject("metadata");
        metadata.put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        return o;
    }
}
