package dev.vxlab.lab.persist;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.sandbox.Sandbox;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Enters a persistent lab's sandbox from outside with nsenter: its user namespace (when it has one), its mount
 * namespace (where /run/netns holds the nodes), its network namespace (so a stray command never hits the host) and
 * its PID namespace (so the command ends with the lab).
 */
public final class LabEntry {
    /** Set for commands started inside a lab's sandbox: the lab's name. */
    public static final String LAB_ENV = "VXLAB_LAB";

    private LabEntry() {}

    /** The nsenter prefix for this lab, as a person would type it. */
    public static List<String> nsenter(LabRecord lab) {
        List<String> argv = new ArrayList<>(List.of("nsenter", "--target", Long.toString(lab.sandboxPid())));
        if (lab.userNamespace()) {
            argv.add("--user");
        }
        // --pid too: the sandbox's /proc only shows its own PID namespace, and the dynamic loader needs /proc/self.
        argv.addAll(List.of("--mount", "--net", "--pid", "--"));
        return argv;
    }

    /** Runs a command inside the lab's sandbox, attached to this terminal, and returns its exit code. */
    public static int run(LabRecord lab, List<String> command) throws LabException {
        List<String> argv = new ArrayList<>(nsenter(lab));
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).inheritIO();
        builder.environment().put("VXLAB_SANDBOX", "1");
        builder.environment().put(LAB_ENV, lab.name());
        builder.environment().put("VXLAB_SANDBOX_MODE", lab.userNamespace() ? "rootless" : "root");
        try {
            return builder.start().waitFor();
        } catch (IOException e) {
            throw new LabException("cannot enter lab " + lab.name() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** Runs this CLI with these arguments inside the lab's sandbox. */
    public static int runCli(LabRecord lab, List<String> args) throws LabException {
        List<String> command = new ArrayList<>(Sandbox.javaCommand());
        command.addAll(args);
        return run(lab, command);
    }
}
