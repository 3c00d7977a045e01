package dev.vxlab.nodedoctor;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The node doctor on its own, for a node install or an agent that carries no lab: the same options and exit codes as
 * {@code vxlab doctor --host|--netns}. Exit codes: 0 healthy, 1 findings, 2 bad input or environment (one sentence).
 */
@Command(name = "vxlab-node-doctor", mixinStandardHelpOptions = true, version = "vxlab-node-doctor 0.1.0",
        description = {
                "Examine this node for the faults host network managers cause to flannel's VXLAN dataplane, and fix them.",
                "vxlab-node-doctor (--host | --netns NAME) --node-name NAME --nodes NODES.json "
                        + "[--subnet-env FILE] [--json] [--fix [--skip-fix FIX] [--apply]] [--watch] [--npd]",
                "Exit codes: 0 healthy, 1 findings, 2 bad input or environment."})
public final class Main implements Callable<Integer> {
    @Mixin
    NodeOptions options;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((e, ignored) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("vxlab: " + e.getMessage() + " (see 'vxlab-node-doctor --help')");
            return NodeDoctorRun.USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("vxlab: " + (e instanceof NodeDoctorException ? e.getMessage()
                    : "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage()));
            return NodeDoctorRun.USAGE;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws NodeDoctorException {
        return NodeDoctorRun.run(options, System.out);
    }
}
