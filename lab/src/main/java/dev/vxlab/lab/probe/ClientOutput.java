package dev.vxlab.lab.probe;

import dev.vxlab.detectors.remote.CommandResult;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Shared reading of what a client program on a remote left behind: a missing tool, budgets as clients take them. */
final class ClientOutput {
    /** The Debian package of each tool the remote probes use (curl, dig, and bash and timeout for a TCP connect). */
    static final Map<String, String> DEBIAN_PACKAGES = Map.of("curl", "curl", "dig", "dnsutils", "bash", "bash",
            "timeout", "coreutils");

    private ClientOutput() {}

    /**
     * The one sentence for a client that is not there: how a shell ({@code command not found}, exit 127),
     * {@code ip netns exec} ({@code exec of "dig" failed}), {@code timeout} ({@code failed to run command 'dig'})
     * or the JDK (exit 127, "not found") say it.
     */
    static Optional<Observation> missingTool(CommandResult result, String node) {
        String stderr = result.stderr();
        for (String tool : new String[] {"timeout", "bash", "curl", "dig"}) {
            if (stderr.contains("exec of \"" + tool + "\" failed") || stderr.contains("failed to run command '" + tool + "'")
                    || stderr.contains(tool + ": command not found") || stderr.contains(tool + ": not found")) {
                return Optional.of(missing(tool, node));
            }
        }
        // The JDK's own launcher says only "not found" for the program it was asked to run, with exit 127.
        String program = result.argv().getFirst();
        return result.exitCode() == 127 && DEBIAN_PACKAGES.containsKey(program) && stderr.contains("not found")
                ? Optional.of(missing(program, node)) : Optional.empty();
    }

    private static Observation missing(String tool, String node) {
        String pkg = DEBIAN_PACKAGES.get(tool);
        return Observation.of(ProbeOutcome.ERROR, tool + " is not installed on " + node
                + "; install the Debian package " + pkg + " (apt-get install " + pkg + ")");
    }

    /** Seconds with millisecond precision, as curl's --max-time and coreutils' timeout take them: "0.500". */
    static String seconds(Duration budget) {
        return String.format(Locale.ROOT, "%d.%03d", budget.toMillis() / 1000, budget.toMillis() % 1000);
    }

    /** "500 ms", as the in-JVM runners say it. */
    static String budgetText(Duration budget) {
        return budget.toMillis() + " ms";
    }

    /** The last non-blank line, for an unexpected failure's detail. */
    static String lastLine(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> b).orElse("");
    }
}
