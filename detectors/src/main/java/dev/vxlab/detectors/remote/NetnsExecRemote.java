package dev.vxlab.detectors.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A named network namespace inside another remote's machine (a pod inside a VM or a node container), entered with
 * {@code ip netns exec} over that remote. It shares the machine's file system: only its network is its own.
 *
 * @param name      what messages call it (the pod's label)
 * @param namespace the namespace's name on that machine
 * @param machine   the remote of the machine that holds it
 */
public record NetnsExecRemote(String name, String namespace, Remote machine) implements Remote {

    @Override
    public CommandResult run(Command command) {
        CommandResult result = machine.run(new Command(inNamespace(command.argv()), command.stdin(), command.env(),
                command.timeout()));
        return new CommandResult(command.argv(), result.exitCode(), result.stdout(), result.stderr());
    }

    @Override
    public RemoteProcess start(List<String> argv, Map<String, String> env) throws RemoteException {
        return machine.start(inNamespace(argv), env);
    }

    @Override
    public void put(String path, byte[] content) throws RemoteException {
        machine.put(path, content);
    }

    @Override
    public Optional<byte[]> get(String path) throws RemoteException {
        return machine.get(path);
    }

    @Override
    public List<CommandResult> runAll(List<List<String>> commands) throws CommandFailedException {
        return Batches.runAll(this, commands);
    }

    private List<String> inNamespace(List<String> argv) {
        List<String> wrapped = new ArrayList<>(argv.size() + 4);
        wrapped.addAll(List.of("ip", "netns", "exec", namespace));
        wrapped.addAll(argv);
        return wrapped;
    }
}
