package dev.vxlab.scenarios.runner;

import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.doctor.LabDoctor;
import dev.vxlab.lab.probe.ConnectivityMatrix;
import dev.vxlab.lab.report.AppliedFix;
import dev.vxlab.lab.report.Capture;
import dev.vxlab.lab.report.Examination;
import dev.vxlab.lab.report.Expectation;
import dev.vxlab.lab.report.FaultWindow;
import dev.vxlab.lab.report.PhaseMatrix;
import dev.vxlab.lab.report.RunReport;
import dev.vxlab.lab.report.Step;
import dev.vxlab.scenarios.file.Scenario;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Collects what a scenario run did into a {@link RunReport} (report.json, report.md, report.html). The one place that
 * knows the report's shape.
 */
final class ReportBuilder {
    /** Where each step and expectation is told as it happens, when the run is narrated. */
    private final Optional<PrintStream> story;
    private final String titlePrefix;
    private final Instant started = Instant.now();
    private final long startNanos = System.nanoTime();
    private final List<Step> steps = new ArrayList<>();
    private final List<Expectation> expectations = new ArrayList<>();
    private final List<PhaseMatrix> matrices = new ArrayList<>();
    private final List<Examination> examinations = new ArrayList<>();
    private final List<AppliedFix> fixes = new ArrayList<>();
    private final List<Capture> captures = new ArrayList<>();
    private final List<FaultWindow> faults = new ArrayList<>();
    private final List<dev.vxlab.lab.report.NodeSystem> systems = new ArrayList<>();
    /** Faults injected and not yet healed: "fault@node" to the second it went in. */
    private final Map<String, Double> open = new LinkedHashMap<>();

    /** @param titlePrefix the report's title up to the description, e.g. {@code vxlab run field-bug} */
    ReportBuilder(String titlePrefix, Optional<PrintStream> story) {
        this.titlePrefix = titlePrefix;
        this.story = story;
    }

    double elapsed() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Records what a node's uname said. */
    void system(dev.vxlab.lab.report.NodeSystem system) {
        systems.add(system);
    }

    /** Records a step (and tells it: its time, title, the commands it ran and what it showed). */
    void step(String title, List<String> commands, List<String> lines) {
        double at = elapsed();
        steps.add(new Step(title, at, commands, lines));
        story.ifPresent(out -> {
            out.printf("[%5.1fs] %s%n", at, title);
            commands.forEach(c -> out.println("          $ " + c));
            lines.forEach(l -> out.println("          " + l));
            out.flush();
        });
    }

    /**
     * Records an expectation, judged on the evidence of the step recorded last; {@code what} is how the story tells
     * it. Ids are made unique within the report ({@code line-12-probe}, {@code line-12-probe-2}, ...).
     */
    void expect(String id, String description, String what, boolean held, String evidence) {
        String unique = id;
        for (int n = 2; byId(unique); n++) {
            unique = id + "-" + n;
        }
        expectations.add(new Expectation(unique, description, held, evidence));
        if (!steps.isEmpty()) {
            steps.set(steps.size() - 1, steps.getLast().judgedBy(unique));
        }
        story.ifPresent(out -> {
            out.printf("          %s %s: %s%n", held ? "[ok]  " : "[FAIL]", what, evidence);
            out.flush();
        });
    }

    private boolean byId(String id) {
        return expectations.stream().anyMatch(e -> e.id().equals(id));
    }

    void matrix(String phase, ConnectivityMatrix matrix) {
        matrices.add(PhaseMatrix.of(phase, elapsed(), matrix));
    }

    void examination(String phase, Map<String, LabDoctor.Examined> examined) {
        examinations.add(new Examination(phase, elapsed(), List.copyOf(examined.keySet()),
                examined.values().stream().flatMap(e -> e.diagnosis().findings().stream()).toList()));
    }

    void fixes(List<FixPlan> applied) {
        double at = elapsed();
        applied.forEach(plan -> fixes.add(AppliedFix.of(plan, at)));
    }

    void injected(String fault, String node) {
        open.putIfAbsent(fault + "@" + node, elapsed());
    }

    /** A fix step that traffic proved healthy ends the window of every fault still in place. */
    void healed() {
        closeFaults(elapsed());
    }

    private void closeFaults(double at) {
        open.forEach((key, from) -> {
            int split = key.lastIndexOf('@');
            faults.add(new FaultWindow(key.substring(0, split), key.substring(split + 1), from, at));
        });
        open.clear();
    }

    void capture(String file, String title, List<String> highlights, String packets) {
        captures.add(new Capture(file, title, highlights, packets));
    }

    List<Expectation> failed() {
        return expectations.stream().filter(e -> !e.held()).toList();
    }

    boolean passed() {
        return !expectations.isEmpty() && failed().isEmpty();
    }

    /** Builds the report and writes it (report.json, report.md, report.html) into the directory, beside the pcaps. */
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
        double seconds = elapsed();
        closeFaults(seconds); // a fault never healed is drawn up to the end of the run
        RunReport.Builder report = RunReport.builder(titlePrefix + ": " + scenario.description())
                .run(run).backend(scenario.backend()).profile(scenario.cluster().profile())
                .nodes(scenario.cluster().nodes().size()).started(started);
        systems.forEach(report::system);
        steps.forEach(report::step);
        expectations.forEach(report::expectation);
        faults.forEach(report::fault);
        matrices.forEach(report::matrix);
        examinations.forEach(report::examination);
        fixes.forEach(report::fix);
        captures.forEach(report::capture);
        return report.build(seconds);
    }
}
