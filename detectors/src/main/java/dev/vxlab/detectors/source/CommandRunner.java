package dev.vxlab.detectors.source;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Runs one command in a node's network context and returns what it printed. The caller decides where "the node" is:
 * {@link #local()} on a real node, {@link #netns(String)} for a network namespace on this machine, and the lab
 * supplies its own (kind: docker exec, ...).
 */
@FunctionalInterface
public interface CommandRunner {

    /** What a command did. A non-zero exit is a result, not an exception. */
    record Output(int exitCode, String stdout, String stderr) {
        public Output {
            Objects.requireNonNull(stdout, "stdout");
            Objects.requireNonNull(stderr, "stderr");
        }
    }

    /**
     * Runs argv to completion.
     *
     * @throws IOException when the command cannot be started or does not finish
     */
    Output run(List<String> argv) throws IOException, InterruptedException;

    /** Runs commands as local processes, each within 30 seconds. */
    static CommandRunner local() {
        return LocalCommandRunner.withTimeout(Duration.ofSeconds(30));
    }

    /**
     * Runs commands locally inside the named network namespace ({@code /run/netns/NAME}): {@code ip} and
     * {@code bridge} get {@code -n NAME}, anything else runs under {@code ip netns exec NAME}.
     */
    static CommandRunner netns(String name) {
        if (!Pattern.matches("[A-Za-z0-9_.-]+", name) || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a network namespace name: '" + name + "'");
        }
        CommandRunner local = local();
        return argv -> {
            List<String> inside = new ArrayList<>(argv.size() + 4);
            String program = argv.getFirst();
            if (program.equals("ip") || program.equals("bridge")) {
                inside.add(program);
                inside.add("-n");
                inside.add(name);
                inside.addAll(argv.subList(1, argv.size()));
            } else {
                inside.addAll(List.of("ip", "netns", "exec", name));
                inside.addAll(argv);
            }
            return local.run(inside);
        };
    }
}
