package dev.vxlab.backend.qemu;

import dev.vxlab.detectors.remote.Batches;
import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandFailedException;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.RemoteException;
import dev.vxlab.detectors.remote.RemoteProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An arm64 VM's node, reached through its QEMU guest agent: commands by {@code guest-exec} (stdin as input-data,
 * outputs captured, {@code guest-exec-status} polled), long-running processes as guest-exec children of the agent
 * tracked by their guest PID, files by {@code guest-file-*}. Every agent call has a deadline.
 */
final class QemuNodeRemote implements Remote {
    /** The guest's search path: real programs in /usr/sbin come before busybox's links. */
    static final String PATH = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Duration CALL = Duration.ofSeconds(30);
    private static final AtomicInteger PROCESS_IDS = new AtomicInteger();

    /**
     * Commands running at once in one guest. The guest has one vCPU under TCG and a client such as dig spends ~0.4 s
     * of it just starting (its libraries), so a probe matrix fired all at once makes each client miss its own
     * deadline; queued here, each runs within its budget and the total time is the same.
     */
    static final int CONCURRENT_COMMANDS = 2;

    private final String name;
    private final GuestAgent agent;
    private final Semaphore slots = new Semaphore(CONCURRENT_COMMANDS, true);

    QemuNodeRemote(String name, GuestAgent agent) {
        this.name = name;
        this.agent = agent;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CommandResult run(Command command) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CommandResult(command.argv(), 130, "", "interrupted before running on node " + name);
        }
        try {
            return runNow(command);
        } finally {
            slots.release();
        }
    }

    private CommandResult runNow(Command command) {
        List<String> argv = command.argv();
        long deadline = System.nanoTime() + command.timeout().toNanos();
        int pid;
        try {
            byte[] stdin = command.stdin() == null ? null : command.stdin().getBytes(StandardCharsets.UTF_8);
            pid = agent.exec(argv, environment(command.env()), stdin, true, CALL);
        } catch (GuestAgent.AgentException e) {
            // qemu-ga reports a program it cannot execute as an error of guest-exec: that is exit 127 on a shell.
            return new CommandResult(argv, 127, "", e.getMessage());
        } catch (IOException e) {
            return new CommandResult(argv, 125, "", "cannot reach node " + name + ": " + e.getMessage());
        }
        try {
            return await(argv, pid, deadline);
        } catch (IOException e) {
            return new CommandResult(argv, 125, "", "lost node " + name + " while running: " + e.getMessage());
        }
    }

    private CommandResult await(List<String> argv, int pid, long deadline) throws IOException {
        long pause = 2;
        while (true) {
            GuestAgent.ExecStatus status = agent.status(pid, CALL);
            if (status.exited()) {
                return new CommandResult(argv, exitCode(status), text(status.out()), text(status.err()));
            }
            if (System.nanoTime() > deadline) {
                kill(pid, "KILL");
                return new CommandResult(argv, 124, "", "timed out on node " + name);
            }
            // Short pauses: a busy poll would steal the guest's only vCPU (TCG runs it on a host thread).
            sleep(pause);
            pause = Math.min(20, pause * 2);
        }
    }

    private static int exitCode(GuestAgent.ExecStatus status) {
        return status.signal() != 0 ? 128 + status.signal() : status.exitCode();
    }

    private void kill(int pid, String signal) {
        try {
            agent.exec(List.of("kill", "-" + signal, Integer.toString(pid)), List.of(PATH), null, false, CALL);
        } catch (IOException ignored) {
            // the process or the VM is already gone
        }
    }

    @Override
    public RemoteProcess start(List<String> argv, Map<String, String> env) throws RemoteException {
        String base = "/run/vxlab-proc/" + PROCESS_IDS.incrementAndGet();
        // busybox's shell runs its own applets before $PATH: exec the program by the path `which` finds.
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c",
                "mkdir -p /run/vxlab-proc; exec \"$(which \"$0\" || echo \"$0\")\" \"$@\" >" + base + ".out 2>"
                        + base + ".err"));
        wrapped.addAll(argv);
        try {
            int pid = agent.exec(wrapped, environment(env), null, false, CALL);
            return new GuestProcess(argv, pid, base);
        } catch (IOException e) {
            throw new RemoteException("cannot start " + String.join(" ", argv) + " on node " + name + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void put(String path, byte[] content) throws RemoteException {
        try {
            agent.writeFile(path, content, CALL);
        } catch (GuestAgent.AgentException missingDirectory) {
            String parent = path.substring(0, Math.max(1, path.lastIndexOf('/')));
            run("mkdir", "-p", parent);
            try {
                agent.writeFile(path, content, CALL);
            } catch (IOException e) {
                throw new RemoteException("cannot write " + path + " on node " + name + ": " + e.getMessage(), e);
            }
        } catch (IOException e) {
            throw new RemoteException("cannot write " + path + " on node " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<byte[]> get(String path) throws RemoteException {
        try {
            return Optional.of(agent.readFile(path, CALL));
        } catch (GuestAgent.AgentException e) {
            if (e.getMessage().contains("No such file")) {
                return Optional.empty();
            }
            throw new RemoteException("cannot read " + path + " on node " + name + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new RemoteException("cannot read " + path + " on node " + name + ": " + e.getMessage(), e);
        }
    }

    /** Runs of ip/bridge commands go as one {@code -batch -}: a guest-exec costs ~20 ms plus ip's start under TCG. */
    @Override
    public List<CommandResult> runAll(List<List<String>> commands) throws CommandFailedException {
        return Batches.runAll(this, commands);
    }

    private static List<String> environment(Map<String, String> extra) {
        List<String> env = new ArrayList<>(List.of(PATH, "HOME=/root"));
        extra.forEach((k, v) -> env.add(k + "=" + v));
        return env;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A process the guest agent spawned (so the agent reaps it); its outputs go to files on the node. */
    private final class GuestProcess implements RemoteProcess {
        private final List<String> argv;
        private final int pid;
        private final String base;
        private GuestAgent.ExecStatus finished;

        GuestProcess(List<String> argv, int pid, String base) {
            this.argv = List.copyOf(argv);
            this.pid = pid;
            this.base = base;
        }

        @Override
        public List<String> argv() {
            return argv;
        }

        @Override
        public synchronized boolean alive() {
            if (finished != null) {
                return false;
            }
            try {
                GuestAgent.ExecStatus status = agent.status(pid, CALL);
                if (status.exited()) {
                    finished = status; // the agent forgets a PID once it reported its exit
                }
                return finished == null;
            } catch (IOException e) {
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
                return get(path).map(QemuNodeRemote::text).orElse("");
            } catch (RemoteException e) {
                return "";
            }
        }

        @Override
        public synchronized CommandResult stop(Duration grace) {
            if (alive()) {
                kill(pid, "TERM");
                long deadline = System.nanoTime() + grace.toNanos();
                while (alive() && System.nanoTime() < deadline) {
                    sleep(20);
                }
                if (alive()) {
                    kill(pid, "KILL");
                    long hard = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    while (alive() && System.nanoTime() < hard) {
                        sleep(20);
                    }
                }
            }
            String out = stdoutSoFar();
            String err = stderrSoFar();
            run("rm", "-f", base + ".out", base + ".err");
            int exit = finished == null ? 137 : exitCode(finished);
            return new CommandResult(argv, exit, out, err);
        }
    }
}
