package dev.vxlab.backend.containers;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.vxlab.detectors.remote.Batches;
import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandFailedException;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.RemoteException;
import dev.vxlab.detectors.remote.RemoteProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A node container reached through the engine: commands by docker exec (outputs demultiplexed, the exit code read
 * back from the exec), files by copying tar archives to and from the container, long-running processes as detached
 * execs whose PID the node writes down. Every exec holds one of the engine's slots ({@link DockerEngine#execSlot}).
 */
final class ContainerRemote implements Remote {
    /** Stdin up to this size travels in the exec's environment; larger input goes as a file first. */
    static final int STDIN_IN_ENV = 64 * 1024;
    static final String STDIN_VARIABLE = "VXLAB_STDIN";
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final String name;
    private final String containerId;
    private final DockerEngine engine;

    ContainerRemote(String name, String containerId, DockerEngine engine) {
        this.name = name;
        this.containerId = containerId;
        this.engine = engine;
    }

    @Override
    public String name() {
        return name;
    }

    String containerId() {
        return containerId;
    }

    /**
     * The argv docker exec runs for a command: coreutils' timeout bounds it on the node (124 when it expires, 127 for
     * a missing program), and stdin, when there is one, is fed from the environment by a shell.
     */
    static List<String> execArgv(Command command, boolean stdinFromEnv, String stdinFile) {
        long seconds = Math.max(1, (command.timeout().toMillis() + 999) / 1000);
        List<String> argv = new ArrayList<>(List.of("timeout", "-k", "2", Long.toString(seconds)));
        if (command.stdin() != null) {
            argv.addAll(List.of("sh", "-c", stdinFromEnv
                    ? "printf %s \"$" + STDIN_VARIABLE + "\" | { unset " + STDIN_VARIABLE + "; exec \"$0\" \"$@\"; }"
                    : "exec \"$0\" \"$@\" < " + stdinFile));
        }
        argv.addAll(command.argv());
        return argv;
    }

    @Override
    public CommandResult run(Command command) {
        try (AutoCloseable slot = engine.execSlot()) {
            return runNow(command);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CommandResult(command.argv(), 130, "", "interrupted before running on node " + name);
        } catch (Exception e) {
            return new CommandResult(command.argv(), 125, "", "cannot run on node " + name + ": " + e.getMessage());
        }
    }

    private CommandResult runNow(Command command) throws InterruptedException {
        List<String> env = new ArrayList<>();
        command.env().forEach((k, v) -> env.add(k + "=" + v));
        String stdin = command.stdin();
        boolean inEnv = stdin != null && stdin.length() <= STDIN_IN_ENV;
        String stdinFile = null;
        if (stdin != null && !inEnv) {
            stdinFile = "/run/vxlab-stdin/" + IDS.incrementAndGet();
            try {
                put(stdinFile, stdin.getBytes(StandardCharsets.UTF_8));
            } catch (RemoteException e) {
                return new CommandResult(command.argv(), 125, "", e.getMessage());
            }
        } else if (inEnv) {
            env.add(STDIN_VARIABLE + "=" + stdin);
        }
        try {
            String exec = engine.client().execCreateCmd(containerId).withCmd(execArgv(command, inEnv, stdinFile)
                    .toArray(String[]::new)).withEnv(env).withAttachStdout(true).withAttachStderr(true).exec().getId();
            Output output = new Output();
            engine.client().execStartCmd(exec).exec(output);
            // The node's timeout ends the command; this deadline is for a lost engine or node.
            if (!output.awaitCompletion(command.timeout().plus(GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
                closeQuietly(output);
                return new CommandResult(command.argv(), 124, output.out(), output.err() + "timed out on node " + name);
            }
            InspectExecResponse done = engine.client().inspectExecCmd(exec).exec();
            Long exit = done.getExitCodeLong();
            return new CommandResult(command.argv(), exit == null ? 125 : exit.intValue(), output.out(), output.err());
        } catch (NotFoundException e) {
            return new CommandResult(command.argv(), 125, "", "node " + name + "'s container is gone");
        } catch (DockerException e) {
            return new CommandResult(command.argv(), 125, "", "docker exec on node " + name + " failed: " + e.getMessage());
        } finally {
            if (stdinFile != null) {
                try {
                    startDetached(List.of("rm", "-f", stdinFile), List.of());
                } catch (DockerException ignored) {
                    // the container is gone, and the file with it
                }
            }
        }
    }

    /** Stdout and stderr of one exec, demultiplexed from the engine's stream. */
    private static final class Output extends ResultCallback.Adapter<Frame> {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();

        @Override
        public synchronized void onNext(Frame frame) {
            (frame.getStreamType() == StreamType.STDERR ? err : out).writeBytes(frame.getPayload());
        }

        synchronized String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        synchronized String err() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already gone
        }
    }

    /** An exec the engine runs without anyone attached; returns its id. */
    private String startDetached(List<String> argv, List<String> env) {
        String exec = engine.client().execCreateCmd(containerId).withCmd(argv.toArray(String[]::new)).withEnv(env)
                .exec().getId();
        try {
            engine.client().execStartCmd(exec).withDetach(true).exec(new ResultCallback.Adapter<>()).awaitCompletion(
                    30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return exec;
    }

    @Override
    public RemoteProcess start(List<String> argv, Map<String, String> env) throws RemoteException {
        String base = "/run/vxlab-proc/" + IDS.incrementAndGet();
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", "mkdir -p /run/vxlab-proc; echo $$ > " + base
                + ".pid; exec \"$0\" \"$@\" >" + base + ".out 2>" + base + ".err"));
        wrapped.addAll(argv);
        List<String> environment = new ArrayList<>();
        env.forEach((k, v) -> environment.add(k + "=" + v));
        try (AutoCloseable slot = engine.execSlot()) {
            String exec = startDetached(wrapped, environment);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                Optional<String> pid = getText(base + ".pid").map(String::strip).filter(s -> s.matches("\\d+"));
                if (pid.isPresent()) {
                    return new NodeProcess(argv, exec, pid.get(), base);
                }
                Thread.sleep(20);
            }
            throw new RemoteException("cannot start " + String.join(" ", argv) + " on node " + name
                    + ": it wrote no PID within 20 s");
        } catch (DockerException e) {
            throw new RemoteException("cannot start " + String.join(" ", argv) + " on node " + name + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteException("interrupted while starting " + argv.getFirst() + " on node " + name, e);
        } catch (RemoteException e) {
            throw e;
        } catch (Exception e) {
            throw new RemoteException("cannot start " + argv.getFirst() + " on node " + name + ": " + e, e);
        }
    }

    /** Writes a file: a one-entry tar extracted at the container's root (the engine creates missing directories). */
    @Override
    public void put(String path, byte[] content) throws RemoteException {
        if (!path.startsWith("/")) {
            throw new RemoteException("a node path is absolute, not " + path);
        }
        ByteArrayOutputStream tar = new ByteArrayOutputStream(content.length + 1024);
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry entry = new TarArchiveEntry(path.substring(1));
            entry.setSize(content.length);
            entry.setMode(0644);
            out.putArchiveEntry(entry);
            out.write(content);
            out.closeArchiveEntry();
        } catch (IOException e) {
            throw new RemoteException("cannot pack " + path + " for node " + name + ": " + e.getMessage(), e);
        }
        try {
            engine.client().copyArchiveToContainerCmd(containerId).withRemotePath("/")
                    .withTarInputStream(new ByteArrayInputStream(tar.toByteArray())).exec();
        } catch (DockerException e) {
            throw new RemoteException("cannot write " + path + " on node " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<byte[]> get(String path) throws RemoteException {
        try (InputStream archive = engine.client().copyArchiveFromContainerCmd(containerId, path).exec();
                TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
            TarArchiveEntry entry = tar.getNextEntry();
            if (entry == null || !entry.isFile()) {
                return Optional.empty();
            }
            return Optional.of(tar.readAllBytes());
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (DockerException | IOException e) {
            throw new RemoteException("cannot read " + path + " on node " + name + ": " + e.getMessage(), e);
        }
    }

    /** Runs of ip/bridge commands as one {@code -batch -}: each docker exec costs tens of milliseconds. */
    @Override
    public List<CommandResult> runAll(List<List<String>> commands) throws CommandFailedException {
        return Batches.runAll(this, commands);
    }

    /** A process started by a detached exec; its PID on the node is what stops it. */
    private final class NodeProcess implements RemoteProcess {
        private final List<String> argv;
        private final String exec;
        private final String pid;
        private final String base;
        private Long exit;

        NodeProcess(List<String> argv, String exec, String pid, String base) {
            this.argv = List.copyOf(argv);
            this.exec = exec;
            this.pid = pid;
            this.base = base;
        }

        @Override
        public List<String> argv() {
            return argv;
        }

        @Override
        public synchronized boolean alive() {
            if (exit != null) {
                return false;
            }
            try {
                InspectExecResponse state = engine.client().inspectExecCmd(exec).exec();
                if (!Boolean.TRUE.equals(state.isRunning())) {
                    exit = state.getExitCodeLong() == null ? 137L : state.getExitCodeLong();
                }
                return exit == null;
            } catch (DockerException e) {
                return false;
            }
        }

        @Override
        public String stderrSoFar() {
            return file(base + ".err");
        }

        @Override
        public String stdoutSoFar() {
            return file(base + ".out");
        }

        private String file(String path) {
            try {
                return getText(path).orElse("");
            } catch (RemoteException e) {
                return "";
            }
        }

        @Override
        public synchronized CommandResult stop(Duration grace) {
            if (alive()) {
                run("kill", "-TERM", pid);
                long deadline = System.nanoTime() + grace.toNanos();
                while (alive() && System.nanoTime() < deadline) {
                    pause();
                }
                if (alive()) {
                    run("kill", "-KILL", pid);
                    long hard = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    while (alive() && System.nanoTime() < hard) {
                        pause();
                    }
                }
            }
            String out = stdoutSoFar();
            String err = stderrSoFar();
            run("rm", "-f", base + ".out", base + ".err", base + ".pid");
            return new CommandResult(argv, exit == null ? 137 : exit.intValue(), out, err);
        }

        private static void pause() {
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
