package dev.vxlab.detectors.remote;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One command for a {@link Remote}: argv, what to feed its stdin (null: nothing), extra environment, and how long it
 * may take.
 */
public record Command(List<String> argv, String stdin, Map<String, String> env, Duration timeout) {

    public Command {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least a program");
        }
    }

    public static Command of(List<String> argv) {
        return new Command(argv, null, Map.of(), Remote.DEFAULT_TIMEOUT);
    }

    public static Command of(String... argv) {
        return of(List.of(argv));
    }

    public Command withStdin(String input) {
        return new Command(argv, input, env, timeout);
    }

    public Command withEnv(Map<String, String> environment) {
        return new Command(argv, stdin, environment, timeout);
    }

    public Command withTimeout(Duration limit) {
        return new Command(argv, stdin, env, limit);
    }
}
