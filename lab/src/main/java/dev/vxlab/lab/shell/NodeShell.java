package dev.vxlab.lab.shell;

import java.time.Duration;
import java.util.List;

/**
 * Runs a command in one node's network context. Faults and fixes are written as the commands a person would type
 * on a real node ({@code ip link set dev flannel.1 down}); each backend decides how to get them there (the netns
 * backend uses {@code ip -n NAME} or {@code ip netns exec NAME}, a kind backend would use docker exec).
 */
public interface NodeShell {
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    /** The node this shell reaches, as named in the cluster. */
    String node();

    /** Runs argv on the node; a non-zero exit is a result, not an exception. */
    CommandResult run(List<String> argv, Duration timeout);

    default CommandResult run(List<String> argv) {
        return run(argv, DEFAULT_TIMEOUT);
    }

    default CommandResult run(String... argv) {
        return run(List.of(argv));
    }

    /** Runs argv and throws when it exits non-zero. */
    default CommandResult check(String... argv) throws CommandFailedException {
        return run(List.of(argv)).orThrow();
    }

    /** Runs every command in order, stopping at the first failure. */
    default List<CommandResult> runAll(List<List<String>> commands) throws CommandFailedException {
        List<CommandResult> results = new java.util.ArrayList<>(commands.size());
        for (List<String> command : commands) {
            results.add(run(command).orThrow());
        }
        return results;
    }
}
