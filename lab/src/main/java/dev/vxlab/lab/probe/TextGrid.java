package dev.vxlab.lab.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** Left-aligned columns separated by two spaces, without trailing blanks. */
public final class TextGrid {
    private TextGrid() {}

    /** A source x target grid: a header of target labels, then one row per source with each cell's text. */
    public static String matrix(List<String> sources, List<String> targets,
            BiFunction<Integer, Integer, String> cell) {
        List<List<String>> table = new ArrayList<>();
        List<String> header = new ArrayList<>();
        header.add("");
        header.addAll(targets);
        table.add(header);
        for (int row = 0; row < sources.size(); row++) {
            List<String> line = new ArrayList<>();
            line.add(sources.get(row));
            for (int column = 0; column < targets.size(); column++) {
                line.add(cell.apply(row, column));
            }
            table.add(line);
        }
        return render(table);
    }

    public static String render(List<List<String>> rows) {
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int c = 0; c < row.size(); c++) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.size(); c++) {
                line.append(row.get(c)).append(" ".repeat(widths[c] - row.get(c).length() + 2));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
