package dev.vxlab.detectors.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs of consecutive {@code ip} or {@code bridge} commands as one {@code ip -batch -} through the remote's stdin:
 * one round trip per run instead of one per command, on any remote (a namespace, docker exec, a guest agent).
 */
public final class Batches {
    private static final Set<String> BATCHABLE = Set.of("ip", "bridge");
    private static final Pattern FAILED_LINE = Pattern.compile("Command failed -:(\\d+)");

    private Batches() {}

    public static List<CommandResult> runAll(Remote remote, List<List<String>> commands) throws CommandFailedException {
        List<CommandResult> results = new ArrayList<>(commands.size());
        int i = 0;
        while (i < commands.size()) {
            String tool = commands.get(i).getFirst();
            int end = i;
            while (end < commands.size() && BATCHABLE.contains(tool) && commands.get(end).getFirst().equals(tool)) {
                end++;
            }
            if (end - i < 2) {
                results.add(remote.run(commands.get(i)).orThrow());
                i++;
                continue;
            }
            results.addAll(runBatch(remote, tool, commands.subList(i, end)));
            i = end;
        }
        return results;
    }

    private static List<CommandResult> runBatch(Remote remote, String tool, List<List<String>> batch)
            throws CommandFailedException {
        StringBuilder script = new StringBuilder();
        for (List<String> command : batch) {
            // ip's batch parser splits on blanks and honours double quotes; our arguments never contain either.
            script.append(String.join(" ", command.subList(1, command.size()))).append('\n');
        }
        CommandResult result = remote.run(Command.of(tool, "-batch", "-").withStdin(script.toString()));
        if (!result.ok()) {
            // "Command failed -:N" names the line; report that command with the batch's stderr.
            int failed = failedLine(result.stderr(), batch.size());
            throw new CommandFailedException(new CommandResult(batch.get(failed), result.exitCode(), "",
                    result.stderr()));
        }
        return batch.stream().map(c -> new CommandResult(c, 0, "", "")).toList();
    }

    private static int failedLine(String stderr, int size) {
        Matcher matcher = FAILED_LINE.matcher(stderr);
        if (matcher.find()) {
            int line = Integer.parseInt(matcher.group(1)) - 1;
            if (line >= 0 && line < size) {
                return line;
            }
        }
        return 0;
    }
}
