package dev.vxlab.lab.daemons;

import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandFailedException;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.RemoteException;
import dev.vxlab.detectors.remote.RemoteProcess;
import dev.vxlab.lab.LabException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A node's remote once its daemons run: {@code nmcli}, {@code firewall-cmd} and {@code dbus-send} (a fix's
 * {@code nmcli general reload conf}, a fault's {@code firewall-cmd --reload}) run inside the node's confinement, where
 * the node's private bus is; every other command goes to the node's remote unchanged.
 */
record ConfinedRemote(Remote node, NodeDaemons daemons) implements Remote {

    @Override
    public String name() {
        return node.name();
    }

    @Override
    public CommandResult run(Command command) {
        if (!NodeDaemons.BUS_CLIENTS.contains(command.argv().getFirst())) {
            return node.run(command);
        }
        try {
            CommandResult raw = node.run(new Command(daemons.confined(command.argv()), command.stdin(), command.env(),
                    command.timeout()));
            return new CommandResult(command.argv(), raw.exitCode(), raw.stdout(), raw.stderr());
        } catch (LabException e) {
            return new CommandResult(command.argv(), 126, "", e.getMessage());
        }
    }

    @Override
    public List<CommandResult> runAll(List<List<String>> commands) throws CommandFailedException {
        if (commands.stream().noneMatch(c -> NodeDaemons.BUS_CLIENTS.contains(c.getFirst()))) {
            return node.runAll(commands);
        }
        List<CommandResult> results = new ArrayList<>(commands.size());
        for (List<String> command : commands) {
            results.add(run(command).orThrow());
        }
        return results;
    }

    @Override
    public RemoteProcess start(List<String> argv, Map<String, String> env) throws RemoteException {
        return node.start(argv, env);
    }

    @Override
    public void put(String path, byte[] content) throws RemoteException {
        node.put(path, content);
    }

    @Override
    public Optional<byte[]> get(String path) throws RemoteException {
        return node.get(path);
    }

    @Override
    public String processPath(String nodePath) throws RemoteException {
        return node.processPath(nodePath);
    }

    @Override
    public List<String> list(String directory) throws RemoteException {
        return node.list(directory);
    }
}
