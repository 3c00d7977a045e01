package dev.vxlab.detectors.remote;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** This machine as the node: commands run as they are, files live under {@code files} (the host's / by default). */
public record LocalRemote(String name, FileRoot files) implements Remote {

    public static LocalRemote host(String name) {
        return new LocalRemote(name, FileRoot.HOST);
    }

    @Override
    public CommandResult run(Command command) {
        return ProcessRunner.run(command);
    }

    @Override
    public RemoteProcess start(List<String> argv, Map<String, String> env) throws RemoteException {
        return ProcessRunner.start(argv, env, argv);
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
}
