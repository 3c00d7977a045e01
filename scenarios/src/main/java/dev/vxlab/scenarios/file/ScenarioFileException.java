package dev.vxlab.scenarios.file;

import dev.vxlab.lab.LabException;

/** A scenario file a user got wrong: one line, {@code FILE:LINE: what is wrong}, for the CLI to print as it is. */
public final class ScenarioFileException extends LabException {
    private final String file;
    private final int line;
    private final String problem;

    public ScenarioFileException(String file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    /** 1-based line of the offending key or value. */
    public int line() {
        return line;
    }

    public String problem() {
        return problem;
    }
}
