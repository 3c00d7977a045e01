package dev.vxlab.scenarios.file;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A block of connectivity-matrix cells: every source matching one of {@code from} against every target matching
 * one of {@code to}. Patterns are matrix labels with node names resolved ({@code node 172.31.159.19},
 * {@code pod app@172.31.159.19}, {@code coredns@172.31.159.21}, {@code dns/udp}) where {@code *} matches anything.
 */
public record Cells(int line, List<String> from, List<String> to) {

    public Cells {
        from = List.copyOf(from);
        to = List.copyOf(to);
    }

    public boolean contains(String source, String target) {
        return from.stream().anyMatch(p -> matches(p, source)) && to.stream().anyMatch(p -> matches(p, target));
    }

    static boolean matches(String pattern, String label) {
        return glob(pattern).matcher(label).matches();
    }

    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
