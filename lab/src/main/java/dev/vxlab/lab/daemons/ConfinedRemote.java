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
 * the node's private bus is; a fix's {@code systemctl restart NetworkManager} restarts the node's confined daemon;
 * every other command goes to the node's remote unchanged.
 */
record ConfinedRemote(Remote node, NodeDaemons daemons) implements Remote {

    @Override
    public String name() {
        return node.name();
    }

    @Override
    public CommandResult run(Command command) {
        Optional<Daemon> restart = restartOf(command.argv());
        if (restart.isPresent()) {
            // A fix's `systemctl restart NetworkManager`: the node's confined daemon is the one to restart (never the
            // machine's: one that does not run here is an error, not a command passed on).
            if (!daemons.running(restart.get())) {
                return new CommandResult(command.argv(), 1, "", restart.get().comm() + " does not run on node "
                        + name());
            }
            try {
                daemons.restart(restart.get());
                return new CommandResult(command.argv(), 0, "", "");
            } catch (LabException e) {
                return new CommandResult(command.argv(), 1, "", e.getMessage());
            }
        }
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

    /** {@code systemctl restart NetworkManager|firewalld} of a daemon this node runs confined. */
    private Optional<Daemon> restartOf(List<String> argv) {
        if (argv.size() != 3 || !argv.get(0).equals("systemctl") || !argv.get(1).equals("restart")) {
            return Optional.empty();
        }
        return java.util.Arrays.stream(Daemon.values())
                .filter(d -> d != Daemon.DBUS && d.comm().equals(argv.get(2))).findFirst();
    }

    @Override
    public List<CommandResult> runAll(List<List<String>> commands) throws CommandFailedException {
        if (commands.stream().noneMatch(c -> NodeDaemons.BUS_CLIENTS.contains(c.getFirst())
                || restartOf(c).isPresent())) {
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
