package dev.vxlab.detectors.remote;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a remote on this machine keeps a node's files: the machine's own / for a real node, or a private directory
 * that stands for the node's / (a lab node's subnet.env and NetworkManager configuration live under
 * {@code <run>/nodes/<node>/}).
 */
public record FileRoot(Path root) {
    public static final FileRoot HOST = new FileRoot(Path.of("/"));

    public Path resolve(String nodePath) throws RemoteException {
        if (!nodePath.startsWith("/")) {
            throw new RemoteException("a file on the node needs an absolute path, not " + nodePath);
        }
        Path target = root.resolve(nodePath.substring(1)).normalize();
        if (!target.startsWith(root)) {
            throw new RemoteException("the path " + nodePath + " leaves the node's file system");
        }
        return target;
    }

    public void put(String nodePath, byte[] content) throws RemoteException {
        Path target = resolve(nodePath);
        try {
            Files.createDirectories(target.getParent());
            Files.write(target, content);
        } catch (IOException e) {
            throw new RemoteException("cannot write " + nodePath + ": " + e.getMessage(), e);
        }
    }

    public Optional<byte[]> get(String nodePath) throws RemoteException {
        Path target = resolve(nodePath);
        try {
            return Optional.of(Files.readAllBytes(target));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RemoteException("cannot read " + nodePath + ": " + e.getMessage(), e);
        }
    }
}
