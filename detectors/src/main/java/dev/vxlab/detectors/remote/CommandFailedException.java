package dev.vxlab.detectors.remote;

/** A command exited non-zero; the message names the command, the exit code and the first line of stderr. */
public final class CommandFailedException extends Exception {
    private final transient CommandResult result;

    public CommandFailedException(CommandResult result) {
        super("'" + result.commandLine() + "' exited " + result.exitCode()
                + (result.stderr().isBlank() ? "" : ": " + result.stderr().strip().lines().findFirst().orElse("")));
        this.result = result;
    }

    public CommandResult result() {
        return result;
    }
}
