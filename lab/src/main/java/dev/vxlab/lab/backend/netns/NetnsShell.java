package dev.vxlab.lab.backend.netns;

import dev.vxlab.lab.shell.CommandFailedException;
import dev.vxlab.lab.shell.CommandResult;
import dev.vxlab.lab.shell.NodeShell;
import dev.vxlab.lab.shell.ProcessRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs node-local commands in a named network namespace: {@code ip}/{@code bridge} get {@code -n NAME} (a plain
 * setns, no extra mounts), anything else runs under {@code ip netns exec NAME}. Consecutive ip or bridge commands
 * of a {@link #runAll} are fed to one {@code -batch -} process, which keeps cluster setup fast.
 */
public final class NetnsShell implements NodeShell {
    private static final Set<String> NETNS_AWARE = Set.of("ip", "bridge");

    private final String node;
    private final String namespace;

    public NetnsShell(String node, String namespace) {
        this.node = node;
        this.namespace = namespace;
    }

    @Override
    public String node() {
        return node;
    }

    public String namespace() {
        return namespace;
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) {
        CommandResult raw = ProcessRunner.run(translate(argv), timeout);
        // Report the command as written for the node, which is what a person would type there.
        return new CommandResult(argv, raw.exitCode(), raw.stdout(), raw.stderr());
    }

    List<String> translate(List<String> argv) {
        List<String> out = new ArrayList<>();
        if (NETNS_AWARE.contains(argv.getFirst())) {
            out.add(argv.getFirst());
            out.add("-n");
            out.add(namespace);
            out.addAll(argv.subList(1, argv.size()));
        } else {
            out.addAll(List.of("ip", "netns", "exec", namespace));
            out.addAll(argv);
        }
        return out;
    }

    @Override
    public List<CommandResult> runAll(List<List<String>> commands) throws CommandFailedException {
        List<CommandResult> results = new ArrayList<>(commands.size());
        int i = 0;
        while (i < commands.size()) {
            String tool = commands.get(i).getFirst();
            int end = i;
            while (end < commands.size() && NETNS_AWARE.contains(tool) && commands.get(end).getFirst().equals(tool)) {
                end++;
            }
            if (end - i < 2) {
                results.add(run(commands.get(i)).orThrow());
                i++;
                continue;
            }
            results.addAll(runBatch(tool, commands.subList(i, end)));
            i = end;
        }
        return results;
    }

    private List<CommandResult> runBatch(String tool, List<List<String>> batch) throws CommandFailedException {
        StringBuilder script = new StringBuilder();
        for (List<String> command : batch) {
            script.append(batchLine(command.subList(1, command.size()))).append('\n');
        }
        CommandResult result = ProcessRunner.run(List.of(tool, "-n", namespace, "-batch", "-"), script.toString(),
                DEFAULT_TIMEOUT);
        if (!result.ok()) {
            // "Command failed -:N" names the line; report that command with the batch's stderr.
            int failed = failedLine(result.stderr(), batch.size());
            throw new CommandFailedException(new CommandResult(batch.get(failed), result.exitCode(), "",
                    result.stderr()));
        }
        return batch.stream().map(c -> new CommandResult(c, 0, "", "")).toList();
    }

    private static String batchLine(List<String> args) {
        // ip's batch parser splits on blanks and honours double quotes; our arguments never contain either.
        return String.join(" ", args);
    }

    private static int failedLine(String stderr, int size) {
        var matcher = java.util.regex.Pattern.compile("Command failed -:(\\d+)").matcher(stderr);
        if (matcher.find()) {
            int line = Integer.parseInt(matcher.group(1)) - 1;
            if (line >= 0 && line < size) {
                return line;
            }
        }
        return 0;
    }
}
