package dev.vxlab.scenarios.file;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Reads one YAML document into a {@link YamlNode} tree with lines, through Jackson's YAML parser. */
final class YamlReader {
    private static final YAMLFactory YAML = new YAMLFactory();

    private YamlReader() {}

    static YamlNode read(String text, String file) throws ScenarioFileException {
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new ScenarioFileException(file, 1, "the file is empty; a scenario needs at least a description,"
                        + " a cluster and steps");
            }
            return node(parser, file);
        } catch (JsonProcessingException e) {
            // SnakeYAML (under Jackson) knows the problem and where the construct it was in began; say both.
            if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                String context = marked.getContext() == null || marked.getContextMark() == null ? ""
                        : " (" + marked.getContext() + " that starts on line " + (marked.getContextMark().getLine() + 1)
                                + ")";
                throw new ScenarioFileException(file, marked.getProblemMark().getLine() + 1, "not valid YAML: "
                        + firstLine(marked.getProblem()) + context);
            }
            int line = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getLineNr());
            throw new ScenarioFileException(file, line, "not valid YAML: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ScenarioFileException(file, 1, "cannot read it: " + e.getMessage());
        }
    }

    /** The node whose first token is the parser's current one; leaves the parser on the node's last token. */
    private static YamlNode node(JsonParser parser, String file) throws IOException, ScenarioFileException {
        int line = parser.currentTokenLocation().getLineNr();
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    int keyLine = parser.currentTokenLocation().getLineNr();
                    parser.nextToken();
                    YamlNode value = node(parser, file);
                    if (entries.put(key, new YamlNode.Entry(key, keyLine, value)) != null) {
                        throw new ScenarioFileException(file, keyLine, Excerpt.quote(key) + " appears twice in this map");
                    }
                }
                return new YamlNode.Mapping(line, entries);
            }
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(node(parser, file));
                }
                return new YamlNode.Sequence(line, items);
            }
            case VALUE_STRING -> {
                return new YamlNode.Scalar(line, parser.getText(), YamlNode.Scalar.Type.STRING);
            }
            case VALUE_NUMBER_INT -> {
                return new YamlNode.Scalar(line, parser.getText(), YamlNode.Scalar.Type.INTEGER);
            }
            case VALUE_NUMBER_FLOAT -> {
                return new YamlNode.Scalar(line, parser.getText(), YamlNode.Scalar.Type.DECIMAL);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new YamlNode.Scalar(line, parser.getText(), YamlNode.Scalar.Type.BOOLEAN);
            }
            case VALUE_NULL -> {
                return new YamlNode.Scalar(line, "", YamlNode.Scalar.Type.NULL);
            }
            default -> throw new ScenarioFileException(file, line, "unsupported YAML (" + token + ")");
        }
    }

    private static String firstLine(String message) {
        String text = message == null ? "malformed" : message.strip();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline).strip();
    }
}
