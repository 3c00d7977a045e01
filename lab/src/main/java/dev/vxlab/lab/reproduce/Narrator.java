package dev.vxlab.lab.reproduce;

import dev.vxlab.lab.report.Expectation;
import dev.vxlab.lab.report.Step;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Tells a run as a story on the terminal (a progress line per step) and keeps it for the report. */
final class Narrator {
    private final PrintStream out;
    private final long started = System.nanoTime();
    private final List<Step> steps = new ArrayList<>();
    private final List<Expectation> expectations = new ArrayList<>();

    Narrator(PrintStream out) {
        this.out = out;
    }

    double elapsed() {
        return (System.nanoTime() - started) / 1e9;
    }

    /** Prints a step: its title with the time, the commands it ran, and what it showed. */
    void step(String title, List<String> commands, List<String> lines) {
        double at = elapsed();
        out.printf("[%5.1fs] %s%n", at, title);
        commands.forEach(c -> out.println("          $ " + c));
        lines.forEach(l -> out.println("          " + l));
        steps.add(new Step(title, at, commands, lines));
        out.flush();
    }

    /** Records and prints whether something the run expected held. */
    boolean expect(String id, String description, boolean held, String evidence) {
        expectations.add(new Expectation(id, description, held, evidence));
        if (!steps.isEmpty()) {
            // An expectation judges the evidence of the step just told.
            steps.set(steps.size() - 1, steps.getLast().judgedBy(id));
        }
        out.printf("          %s %s: %s%n", held ? "[ok]  " : "[FAIL]", description, evidence);
        out.flush();
        return held;
    }

    List<Step> steps() {
        return List.copyOf(steps);
    }

    List<Expectation> expectations() {
        return List.copyOf(expectations);
    }

    boolean allHeld() {
        return expectations.stream().allMatch(Expectation::held);
    }

    List<Expectation> failed() {
        return expectations.stream().filter(e -> !e.held()).toList();
    }
}
