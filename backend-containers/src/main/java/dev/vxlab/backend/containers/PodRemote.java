package dev.vxlab.backend.containers;

import dev.vxlab.detectors.remote.Batches;
import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandFailedException;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.RemoteException;
import dev.vxlab.detectors.remote.RemoteProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A pod inside a node container: its network namespace there, entered with {@code ip netns exec} over docker exec. */
record PodRemote(String name, String namespace, Remote node) implements Remote {

    @Override
    public CommandResult run(Command command) {
        CommandResult result = node.run(new Command(inPod(command.argv()), command.stdin(), command.env(),
                command.timeout()));
        return new CommandResult(command.argv(), result.exitCode(), result.stdout(), result.stderr());
    }

    @Override
    public RemoteProcess start(List<String> argv, Map<String, String> env) throws RemoteException {
        return node.start(inPod(argv), env);
    }

    /** A pod shares its node's file system (only its network is its own). */
    @Override
    public void put(String path, byte[] content) throws RemoteException {
        node.put(path, content);
    }

    @Override
    public Optional<byte[]> get(String path) throws RemoteException {
        return node.get(path);
    }

    @Override
    public List<CommandResult> runAll(List<List<String>> commands) throws CommandFailedException {
        return Batches.runAll(this, commands);
    }

    private List<String> inPod(List<String> argv) {
        List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        wrapped.addAll(argv);
        return wrapped;
    }
}
