package dev.vxlab.detectors.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A node as something you reach from outside: run a command and get its exit code and outputs, start a long-running
 * process and stop it, put and get files. The seam kind's {@code exec.Cmder}, Testcontainers' {@code ContainerState}
 * and Jepsen's {@code Remote} share. Faults, fixes, flannel's emulation, the doctor's generic snapshot, packet capture
 * and the pods' servers all go through it, so a backend (network namespaces, docker exec, a VM's guest agent) only
 * has to say how to get there. Commands are written as a person would type them on the node.
 */
public interface Remote {
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    /** The node (or pod) this remote reaches, as named in the cluster. */
    String name();

    /** Runs a command on the node; a non-zero exit is a result, not an exception. */
    CommandResult run(Command command);

    /**
     * Starts a long-running process on the node (tcpdump, a pod's server, a daemon). Its outputs go to the files the
     * remote chooses; {@link RemoteProcess#stop} ends it and returns what it printed.
     */
    RemoteProcess start(List<String> argv, Map<String, String> env) throws RemoteException;

    /** Writes a file on the node (absolute path as on the node), creating its directory. */
    void put(String path, byte[] content) throws RemoteException;

    /** Reads a file on the node; empty when there is no such file. */
    Optional<byte[]> get(String path) throws RemoteException;

    /**
     * How a command or process on the node names a node path. The same path everywhere for a real node, a VM or a
     * container; a namespace on this machine shares the machine's file system and keeps its node's / in a directory,
     * so there a process writing {@code /var/tmp/x.pcap} for {@link #get} must be given the directory's path.
     */
    default String processPath(String nodePath) throws RemoteException {
        return nodePath;
    }

    /** The names in a directory on the node, sorted; empty when there is no such directory. */
    default List<String> list(String directory) throws RemoteException {
        CommandResult result = run("ls", "-1A", processPath(directory));
        if (!result.ok()) {
            return List.of();
        }
        return result.stdout().lines().filter(l -> !l.isBlank()).sorted().toList();
    }

    default RemoteProcess start(List<String> argv) throws RemoteException {
        return start(argv, Map.of());
    }

    default CommandResult run(List<String> argv, Duration timeout) {
        return run(Command.of(argv).withTimeout(timeout));
    }

    default CommandResult run(List<String> argv) {
        return run(Command.of(argv));
    }

    default CommandResult run(String... argv) {
        return run(List.of(argv));
    }

    /** Runs argv and throws when it exits non-zero. */
    default CommandResult check(String... argv) throws CommandFailedException {
        return run(List.of(argv)).orThrow();
    }

    /**
     * Runs every command in order, stopping at the first failure. A remote may send runs of {@code ip} or
     * {@code bridge} commands as one {@code -batch -} (one round trip instead of one per command).
     */
    default List<CommandResult> runAll(List<List<String>> commands) throws CommandFailedException {
        List<CommandResult> results = new ArrayList<>(commands.size());
        for (List<String> command : commands) {
            results.add(run(command).orThrow());
        }
        return results;
    }

    /** Writes a text file on the node. */
    default void put(String path, String content) throws RemoteException {
        put(path, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Reads a text file on the node; empty when there is no such file. */
    default Optional<String> getText(String path) throws RemoteException {
        return get(path).map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8));
    }
}
