package dev.vxlab.lab.report;

import java.util.List;

/** One step of a run as a person reads it: a title, when it ended, the commands it ran and what it showed. */
public record Step(String title, double atSeconds, List<String> commands, List<String> lines) {
    public Step {
        commands = List.copyOf(commands);
        lines = List.copyOf(lines);
    }
}
