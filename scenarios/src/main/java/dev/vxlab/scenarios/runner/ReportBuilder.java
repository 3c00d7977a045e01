package dev.vxlab.scenarios.runner;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.report.Expectation;
import dev.vxlab.lab.report.RunReport;
import dev.vxlab.lab.report.Step;
import dev.vxlab.scenarios.file.Scenario;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what a scenario run did into a {@link RunReport} (report.json + report.md). The one place that knows the
 * report's shape, so a richer writer (HTML) can be wired in here alone.
 */
final class ReportBuilder {
    private final Instant started = Instant.now();
    private final long startNanos = System.nanoTime();
    private final List<Step> steps = new ArrayList<>();
    private final List<Expectation> expectations = new ArrayList<>();
    private final Map<String, String> matrices = new LinkedHashMap<>();
    private final Map<String, String> captures = new LinkedHashMap<>();

    double elapsed() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    void step(String title, List<String> commands, List<String> lines) {
        steps.add(new Step(title, elapsed(), commands, lines));
    }

    void expect(String id, String description, boolean held, String evidence) {
        expectations.add(new Expectation(id, description, held, evidence));
    }

    void matrix(String phase, String grid) {
        matrices.put(phase, grid);
    }

    void capture(String file, String rendering) {
        captures.put(file, rendering);
    }

    List<Expectation> failed() {
        return expectations.stream().filter(e -> !e.held()).toList();
    }

    boolean passed() {
        return !expectations.isEmpty() && failed().isEmpty();
    }

    /** Builds the report and writes it (report.json, report.md) into the directory, beside the pcaps. */
    RunReport write(Scenario scenario, String run, Path directory) throws LabException {
        RunReport report = build(scenario, run);
        try {
            report.write(directory);
        } catch (IOException e) {
            throw new LabException("cannot write the report to " + directory + ": " + e.getMessage(), e);
        }
        return report;
    }

    RunReport build(Scenario scenario, String run) {
        return new RunReport("vxlab run " + scenario.name() + ": " + scenario.description(), run, scenario.backend(),
                scenario.cluster().profile(), scenario.cluster().nodes().size(), started.toString(), elapsed(),
                passed(), steps, expectations, matrices, captures);
    }
}
