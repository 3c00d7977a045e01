package dev.vxlab.lab.cli;

import dev.vxlab.lab.LabException;
import java.io.PrintWriter;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * The vxlab command line. Exit codes: 0 success, 1 the run's expectations (or the doctor's checks) failed,
 * 2 bad input or an environment that cannot run the lab (always one sentence on stderr, never a stack trace).
 */
// INHERIT: every subcommand takes --help (and --version) too.
@Command(name = "vxlab", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "vxlab 0.1.0",
        description = "A lab that reproduces VXLAN dataplane faults caused by host network managers, and a doctor.",
        subcommands = {FaultsCommand.class, UpCommand.class, DownCommand.class,
                StatusCommand.class, ProbeCommand.class, InjectCommand.class, RestartFlanneldCommand.class,
                ShellCommand.class, ExecCommand.class, DoctorCommand.class, DaemonCommand.class})
public final class Main {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        // Before the handlers below: picocli gives them only to the subcommands present when they are set.
        ServiceLoader.load(CommandPlugin.class).forEach(plugin -> plugin.commands().forEach(cli::addSubcommand));
        cli.setParameterExceptionHandler((e, ignored) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("vxlab: " + e.getMessage() + " (see 'vxlab " + commandPath(e.getCommandLine()) + "--help')");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("vxlab: " + sentence(e));
            return USAGE;
        });
        return cli.execute(args);
    }

    private static String commandPath(CommandLine commandLine) {
        String name = commandLine.getCommandName();
        return "vxlab".equals(name) ? "" : name + " ";
    }

    /** The one sentence a user sees for an error: our own messages as they are, anything else named plainly. */
    static String sentence(Exception e) {
        if (e instanceof LabException || e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        return "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
