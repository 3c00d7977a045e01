package dev.vxlab.scenarios.runner;

import dev.vxlab.lab.probe.ConnectivityMatrix;
import dev.vxlab.lab.probe.ProbeResult;
import dev.vxlab.scenarios.file.Cells;
import java.util.ArrayList;
import java.util.List;

/**
 * A measured matrix against a file's {@code broken} cells: which cells failed that should have passed, and which
 * passed that should have failed ({@code ignore}d cells count for neither).
 */
record CellDiff(List<String> unexpectedlyBroken, List<String> unexpectedlyOk, int brokenAsExpected) {

    static CellDiff of(ConnectivityMatrix matrix, List<Cells> broken, List<Cells> ignore) {
        List<String> wrongBroken = new ArrayList<>();
        List<String> wrongOk = new ArrayList<>();
        int expected = 0;
        for (int row = 0; row < matrix.sources().size(); row++) {
            String source = matrix.sources().get(row);
            for (int column = 0; column < matrix.targets().size(); column++) {
                String target = matrix.targets().get(column).label();
                if (ignore.stream().anyMatch(c -> c.contains(source, target))) {
                    continue;
                }
                ProbeResult cell = matrix.cells().get(row).get(column);
                boolean shouldBreak = broken.stream().anyMatch(c -> c.contains(source, target));
                if (shouldBreak && cell.ok()) {
                    wrongOk.add(source + " -> " + target);
                } else if (!shouldBreak && !cell.ok()) {
                    wrongBroken.add(source + " -> " + target + " " + cell.outcome());
                } else if (shouldBreak) {
                    expected++;
                }
            }
        }
        return new CellDiff(wrongBroken, wrongOk, expected);
    }

    boolean holds() {
        return unexpectedlyBroken.isEmpty() && unexpectedlyOk.isEmpty();
    }

    String evidence() {
        if (holds()) {
            return brokenAsExpected + " cell(s) broken as expected, every other cell ok";
        }
        List<String> parts = new ArrayList<>();
        if (!unexpectedlyBroken.isEmpty()) {
            parts.add("broken but expected ok: " + Evidence.list(unexpectedlyBroken));
        }
        if (!unexpectedlyOk.isEmpty()) {
            parts.add("ok but expected broken: " + Evidence.list(unexpectedlyOk));
        }
        return String.join("; ", parts);
    }
}
