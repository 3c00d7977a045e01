package dev.vxlab.backend.kind;

import dev.vxlab.detectors.remote.Batches;
import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandFailedException;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.ProcessRunner;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.RemoteException;
import dev.vxlab.detectors.remote.RemoteProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A kind node: its container, reached with {@code docker exec} (stdin fed with {@code -i}, env with {@code -e}) and
 * files moved with {@code docker cp}. {@code wrap} puts a prefix before every argv on the node: empty for the node
 * itself, {@code ip netns exec NS} for a pod's network namespace inside it (see {@link #inNamespace}).
 */
final class KindNodeRemote implements Remote {
    private static final Duration COPY = Duration.ofSeconds(60);
    private static final AtomicInteger PROCESS_IDS = new AtomicInteger();

    private final String name;
    private final String container;
    private final List<String> wrap;

    KindNodeRemote(String container) {
        this(container, container, List.of());
    }

    private KindNodeRemote(String name, String container, List<String> wrap) {
        this.name = name;
        this.container = container;
        this.wrap = List.copyOf(wrap);
    }

    /** The same container, every command inside the network namespace {@code namespace} (a pod's). */
    KindNodeRemote inNamespace(String podName, String namespace) {
        return new KindNodeRemote(podName, container, List.of("ip", "netns", "exec", namespace));
    }

    String container() {
        return container;
    }

    @Override
    public String name() {
        return name;
    }

    List<String> argv(List<String> argv, boolean stdin, Map<String, String> env) {
        List<String> inside = new ArrayList<>(wrap);
        inside.addAll(argv);
        return KindCommands.exec(container, inside, stdin, env);
    }

    @Override
    public CommandResult run(Command command) {
        CommandResult result = ProcessRunner.run(new Command(argv(command.argv(), command.stdin() != null,
                command.env()), command.stdin(), Map.of(), command.timeout()));
        // docker exec says 126/127 for a program the container cannot run; the result names the command as typed.
        return new CommandResult(command.argv(), result.exitCode(), result.stdout(), result.stderr());
    }

    /**
     * A long-running process: {@code sh} records its PID in the container and execs argv, so stopping it signals that
     * PID inside the container (ending the local docker exec client would leave the process running there).
     */
    @Override
    public RemoteProcess start(List<String> argv, Map<String, String> env) throws RemoteException {
        String pidFile = "/run/vxlab-proc/" + PROCESS_IDS.incrementAndGet() + ".pid";
        List<String> script = new ArrayList<>(List.of("sh", "-c",
                "mkdir -p /run/vxlab-proc && echo $$ > " + pidFile + " && exec \"$@\"", "sh"));
        script.addAll(wrap);
        script.addAll(argv);
        RemoteProcess local = ProcessRunner.start(KindCommands.exec(container, script, false, env), Map.of(), argv);
        return new ContainerProcess(local, pidFile);
    }

    @Override
    public void put(String path, byte[] content) throws RemoteException {
        String parent = path.substring(0, Math.max(1, path.lastIndexOf('/')));
        CommandResult mkdir = ProcessRunner.run(KindCommands.exec(container, List.of("mkdir", "-p", parent), false,
                Map.of()), COPY);
        if (!mkdir.ok()) {
            throw new RemoteException("cannot create " + parent + " on node " + container + ": "
                    + mkdir.stderr().strip());
        }
        Path temp = null;
        try {
            temp = Files.createTempFile("vxlab-kind-put", ".bin");
            Files.write(temp, content);
            CommandResult copy = ProcessRunner.run(KindCommands.copyTo(temp, container, path), COPY);
            if (!copy.ok()) {
                throw new RemoteException("cannot write " + path + " on node " + container + ": "
                        + copy.stderr().strip());
            }
        } catch (IOException e) {
            throw new RemoteException("cannot stage " + path + " for node " + container + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public Optional<byte[]> get(String path) throws RemoteException {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("vxlab-kind-get");
            Path local = dir.resolve("file");
            CommandResult copy = ProcessRunner.run(KindCommands.copyFrom(container, path, local), COPY);
            if (!copy.ok()) {
                if (copy.stderr().contains("Could not find") || copy.stderr().contains("No such")) {
                    return Optional.empty();
                }
                throw new RemoteException("cannot read " + path + " on node " + container + ": "
                        + copy.stderr().strip());
            }
            return Files.isRegularFile(local) ? Optional.of(Files.readAllBytes(local)) : Optional.empty();
        } catch (IOException e) {
            throw new RemoteException("cannot read " + path + " from node " + container + ": " + e.getMessage(), e);
        } finally {
            if (dir != null) {
                deleteQuietly(dir.resolve("file"));
                deleteQuietly(dir);
            }
        }
    }

    /** Runs of ip/bridge commands as one {@code -batch -}: each docker exec costs tens of milliseconds. */
    @Override
    public List<CommandResult> runAll(List<List<String>> commands) throws CommandFailedException {
        return Batches.runAll(this, commands);
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // a temp file; the OS cleans up
            }
        }
    }

    /** A process in the container, known by the PID its shell wrote; outputs come through the docker exec client. */
    private final class ContainerProcess implements RemoteProcess {
        private final RemoteProcess local;
        private final String pidFile;

        ContainerProcess(RemoteProcess local, String pidFile) {
            this.local = local;
            this.pidFile = pidFile;
        }

        @Override
        public List<String> argv() {
            return local.argv();
        }

        @Override
        public boolean alive() {
            return local.alive();
        }

        @Override
        public String stderrSoFar() {
            return local.stderrSoFar();
        }

        @Override
        public String stdoutSoFar() {
            return local.stdoutSoFar();
        }

        @Override
        public CommandResult stop(Duration grace) {
            signal("TERM");
            long deadline = System.nanoTime() + grace.toNanos();
            while (local.alive() && System.nanoTime() < deadline) {
                sleep(20);
            }
            if (local.alive()) {
                signal("KILL");
            }
            CommandResult result = local.stop(Duration.ofSeconds(5));
            ProcessRunner.run(KindCommands.exec(container, List.of("rm", "-f", pidFile), false, Map.of()),
                    Duration.ofSeconds(10));
            return result;
        }

        private void signal(String signal) {
            ProcessRunner.run(KindCommands.exec(container, List.of("sh", "-c",
                    "[ -f " + pidFile + " ] && kill -" + signal + " \"$(cat " + pidFile + ")\" 2>/dev/null; true"),
                    false, Map.of()), Duration.ofSeconds(10));
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
