package dev.vxlab.detectors.remote;

import java.util.List;

/** What one command did: its argv, exit code and both outputs. */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr) {

    public CommandResult {
        argv = List.copyOf(argv);
    }

    public boolean ok() {
        return exitCode == 0;
    }

    /** The command as a person would type it. */
    public String commandLine() {
        return Commands.render(argv);
    }

    /** Returns this result, or throws with the command and its stderr when it failed. */
    public CommandResult orThrow() throws CommandFailedException {
        if (!ok()) {
            throw new CommandFailedException(this);
        }
        return this;
    }
}
