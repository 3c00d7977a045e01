package dev.vxlab.lab.report;

import dev.vxlab.lab.probe.ConnectivityMatrix;
import dev.vxlab.lab.probe.ProbeOutcome;
import dev.vxlab.lab.probe.ProbeResult;
import dev.vxlab.lab.probe.ProbeTarget;
import dev.vxlab.lab.probe.TextGrid;
import java.util.List;

/**
 * A connectivity matrix as the report keeps it: which sources probed which targets in one phase of a run ("before
 * the fault", "during vtep-mac-drift on 172.31.159.19", …), and how each probe ended. Plain data, so report.json reads
 * as {@code {"phase": …, "sources": [...], "targets": [{"label", "probe"}], "cells": [[{"outcome", "detail",
 * "millis"}]]}}.
 *
 * @param phase     what was going on when it was measured, as a reader would say it
 * @param atSeconds when it was measured, in seconds since the run started (the steps' clock)
 * @param cells     {@code cells.get(row).get(column)}: target {@code column} probed from source {@code row}
 */
public record PhaseMatrix(String phase, double atSeconds, List<String> sources, List<Target> targets,
        List<List<Cell>> cells) {

    /** A column: its short label ("dns/tcp", "coredns@172.31.159.21") and the command it runs. */
    public record Target(String label, String probe) {}

    /**
     * One probe's end: the outcome, one line of detail ("no TCP connection within 1500 ms") and how long it took.
     */
    public record Cell(ProbeOutcome outcome, String detail, long millis) {
        public boolean ok() {
            return outcome == ProbeOutcome.OK;
        }
    }

    public PhaseMatrix {
        sources = List.copyOf(sources);
        targets = List.copyOf(targets);
        cells = cells.stream().map(List::copyOf).toList();
        int columns = targets.size();
        if (cells.size() != sources.size() || cells.stream().anyMatch(row -> row.size() != columns)) {
            throw new IllegalArgumentException("a matrix needs one row per source and one cell per target");
        }
    }

    /** The report's record of a measured matrix. */
    public static PhaseMatrix of(String phase, double atSeconds, ConnectivityMatrix matrix) {
        List<Target> targets = matrix.targets().stream()
                .map((ProbeTarget t) -> new Target(t.label(), t.probe().describe())).toList();
        List<List<Cell>> cells = matrix.cells().stream().map(row -> row.stream()
                .map((ProbeResult r) -> new Cell(r.outcome(), r.detail(), r.elapsed().toMillis())).toList()).toList();
        return new PhaseMatrix(phase, atSeconds, matrix.sources(), targets, cells);
    }

    public Cell cell(int row, int column) {
        return cells.get(row).get(column);
    }

    /** How many probes did not end OK. */
    public int broken() {
        return (int) cells.stream().flatMap(List::stream).filter(c -> !c.ok()).count();
    }

    public int size() {
        return sources.size() * targets.size();
    }

    /** The text grid of report.md: outcomes by source and target, what each target runs, and every failure. */
    public String render() {
        StringBuilder out = new StringBuilder(TextGrid.matrix(sources, targets.stream().map(Target::label).toList(),
                (row, column) -> cell(row, column).outcome().cell())).append('\n');
        targets.forEach(t -> out.append(t.label()).append(": ").append(t.probe()).append('\n'));
        if (broken() > 0) {
            out.append('\n').append(broken()).append(broken() == 1 ? " failure:\n" : " failures:\n");
            for (int row = 0; row < sources.size(); row++) {
                for (int column = 0; column < targets.size(); column++) {
                    if (!cell(row, column).ok()) {
                        out.append("  ").append(describe(row, column)).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    /** One cell as a sentence: {@code node a$ curl http://… -> TIMEOUT (no answer within 1500 ms) in 1502 ms}. */
    public String describe(int row, int column) {
        Cell c = cell(row, column);
        return sources.get(row) + "$ " + targets.get(column).probe() + " -> " + c.outcome()
                + (c.detail().isBlank() ? "" : " (" + c.detail() + ")") + " in " + c.millis() + " ms";
    }
}
