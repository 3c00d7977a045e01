package dev.vxlab.scenarios.file;

import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers the line of every node, so a schema error can name the line. (Jackson's
 * tree model forgets locations; this one is built from Jackson's YAML token stream by {@link YamlReader}.)
 */
sealed interface YamlNode {

    /** 1-based line where the node starts. */
    int line();

    /** What the node is, for "expected a list, found a map" sentences. */
    String kind();

    record Mapping(int line, Map<String, Entry> entries) implements YamlNode {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
        }

        public String kind() {
            return "a map";
        }
    }

    /** A key of a mapping, its line, and its value. */
    record Entry(String key, int keyLine, YamlNode value) {}

    record Sequence(int line, List<YamlNode> items) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        public String kind() {
            return "a list";
        }
    }

    /**
     * A plain value. {@code text} is what the file says; {@code type} is how YAML typed it (string, number,
     * boolean, null), so "nodes: three" and "nodes: '3'" can be told apart from "nodes: 3".
     */
    record Scalar(int line, String text, Type type) implements YamlNode {
        public enum Type { STRING, INTEGER, DECIMAL, BOOLEAN, NULL }

        public String kind() {
            return switch (type) {
                case STRING -> "the text " + Excerpt.quote(text);
                case INTEGER, DECIMAL -> "the number " + text;
                case BOOLEAN -> "the boolean " + text;
                case NULL -> "nothing";
            };
        }
    }
}
