package dev.vxlab.scenarios.file;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Typed reads of a {@link YamlNode} tree; every failure is a {@link ScenarioFileException} naming file and line. */
final class Schema {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s)");

    private final String file;

    Schema(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    ScenarioFileException error(int line, String problem) {
        return new ScenarioFileException(file, line, problem);
    }

    ScenarioFileException error(YamlNode at, String problem) {
        return error(at.line(), problem);
    }

    YamlNode.Mapping map(YamlNode node, String what) throws ScenarioFileException {
        if (node instanceof YamlNode.Mapping map) {
            return map;
        }
        throw error(node, what + " must be a map (key: value lines), not " + node.kind());
    }

    YamlNode.Sequence list(YamlNode node, String what) throws ScenarioFileException {
        if (node instanceof YamlNode.Sequence list) {
            return list;
        }
        throw error(node, what + " must be a list ('- item' lines), not " + node.kind());
    }

    /** A list, or a single value standing for a list of one. */
    List<YamlNode> oneOrMany(YamlNode node) {
        return node instanceof YamlNode.Sequence list ? list.items() : List.of(node);
    }

    /** Any scalar but null, as text (numbers too: node 0 is as good as node '0'). */
    String text(YamlNode node, String what) throws ScenarioFileException {
        if (node instanceof YamlNode.Scalar scalar && scalar.type() != YamlNode.Scalar.Type.NULL
                && !scalar.text().isBlank()) {
            return scalar.text().strip();
        }
        throw error(node, what + " must be a single value, not " + node.kind());
    }

    int integer(YamlNode node, String what, int min, int max) throws ScenarioFileException {
        if (node instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.Scalar.Type.INTEGER) {
            try {
                int value = Integer.parseInt(scalar.text());
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException tooLarge) {
                // the sentence below says the range
            }
            throw error(node, what + " must be from " + min + " to " + max + ", not " + scalar.text());
        }
        throw error(node, what + " must be a whole number, not " + node.kind());
    }

    boolean bool(YamlNode node, String what) throws ScenarioFileException {
        if (node instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.Scalar.Type.BOOLEAN) {
            return Boolean.parseBoolean(scalar.text().toLowerCase());
        }
        throw error(node, what + " must be true or false, not " + node.kind());
    }

    /** The keys of a map must be among the allowed ones; the sentence lists them. */
    void allowOnly(YamlNode.Mapping map, String what, String... allowed) throws ScenarioFileException {
        Set<String> known = Set.of(allowed);
        for (YamlNode.Entry entry : map.entries().values()) {
            if (!known.contains(entry.key())) {
                throw error(entry.keyLine(), "unknown key " + Excerpt.quote(entry.key()) + " in " + what + " (known: "
                        + String.join(", ", new TreeSet<>(Arrays.asList(allowed))) + ")");
            }
        }
    }

    Optional<YamlNode> get(YamlNode.Mapping map, String key) {
        YamlNode.Entry entry = map.entries().get(key);
        return entry == null ? Optional.empty() : Optional.of(entry.value());
    }

    YamlNode require(YamlNode.Mapping map, String key, String what) throws ScenarioFileException {
        return get(map, key).orElseThrow(() -> error(map, what + " needs " + Excerpt.quote(key)));
    }

    /** {@code 500ms}, {@code 2s}, {@code 1.5s}: from 1 ms to 600 s. */
    Duration duration(YamlNode node, String what) throws ScenarioFileException {
        String text = text(node, what);
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw error(node, what + " must be a duration like 500ms or 2s, not " + Excerpt.quote(text));
        }
        double amount = Double.parseDouble(m.group(1));
        long millis = Math.round(m.group(2).equals("s") ? amount * 1000 : amount);
        if (millis < 1 || millis > 600_000) {
            throw error(node, what + " must be from 1ms to 600s, not " + text);
        }
        return Duration.ofMillis(millis);
    }
}
