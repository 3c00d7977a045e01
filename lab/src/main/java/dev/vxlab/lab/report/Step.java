package dev.vxlab.lab.report;

import java.util.ArrayList;
import java.util.List;

/**
 * One step of a run as a person reads it: a title, when it ended, the commands it ran and what it showed.
 *
 * @param atSeconds    when the step ended, in seconds since the run started
 * @param expectations ids of the {@link Expectation}s judged on this step's evidence; the step's outcome in the
 *                     timeline is theirs (held, failed, or nothing checked)
 */
public record Step(String title, double atSeconds, List<String> commands, List<String> lines,
        List<String> expectations) {
    public Step {
        commands = List.copyOf(commands);
        lines = List.copyOf(lines);
        expectations = List.copyOf(expectations);
    }

    /** A step that checks nothing itself (expectations can be attached with {@link #judgedBy}). */
    public Step(String title, double atSeconds, List<String> commands, List<String> lines) {
        this(title, atSeconds, commands, lines, List.of());
    }

    /** This step with one more expectation judged on its evidence. */
    public Step judgedBy(String expectationId) {
        List<String> ids = new ArrayList<>(expectations);
        ids.add(expectationId);
        return new Step(title, atSeconds, commands, lines, ids);
    }
}
