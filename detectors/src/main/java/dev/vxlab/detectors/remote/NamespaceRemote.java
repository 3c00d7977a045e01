package dev.vxlab.detectors.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A named network namespace on this machine as the node: {@code ip}/{@code bridge} get {@code -n NAME} (a plain
 * setns, no extra mounts), anything else runs under {@code ip netns exec NAME}. Consecutive ip or bridge commands of
 * a {@link #runAll} are fed to one {@code -batch -} process through stdin. Files live under {@code files}.
 */
public final class NamespaceRemote implements Remote {
    private static final Set<String> NETNS_AWARE = Set.of("ip", "bridge");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private final String name;
    private final String namespace;
    private final FileRoot files;

    public NamespaceRemote(String name, String namespace, FileRoot files) {
        if (!NAME.matcher(namespace).matches() || namespace.equals(".") || namespace.equals("..")) {
            throw new IllegalArgumentException("not a network namespace name: '" + namespace + "'");
        }
        this.name = name;
        this.namespace = namespace;
        this.files = files;
    }

    @Override
    public String name() {
        return name;
    }

    public String namespace() {
        return namespace;
    }

    @Override
    public CommandResult run(Command command) {
        CommandResult raw = ProcessRunner.run(new Command(translate(command.argv()), command.stdin(), command.env(),
                command.timeout()));
        // Report the command as written for the node, which is what a person would type there.
        return new CommandResult(command.argv(), raw.exitCode(), raw.stdout(), raw.stderr());
    }

    @Override
    public RemoteProcess start(List<String> argv, Map<String, String> env) throws RemoteException {
        // ip netns exec execs the program, so the PID we hold is the program's own.
        List<String> inside = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        inside.addAll(argv);
        return ProcessRunner.start(inside, env, argv);
    }

    @Override
    public void put(String path, byte[] content) throws RemoteException {
        files.put(path, content);
    }

    @Override
    public Optional<byte[]> get(String path) throws RemoteException {
        return files.get(path);
    }

    @Override
    public String processPath(String nodePath) throws RemoteException {
        return files.resolve(nodePath).toString();
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
        return Batches.runAll(this, commands);
    }
}
