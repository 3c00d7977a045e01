package dev.vxlab.detectors.remote;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs local processes, to completion with a deadline or in the background, draining both outputs as they come. */
public final class ProcessRunner {
    private ProcessRunner() {}

    /** Runs argv; a missing program or an expired deadline becomes exit code 127 or 124 with an explanation. */
    public static CommandResult run(List<String> argv, Duration timeout) {
        return run(argv, null, timeout);
    }

    /** Runs argv, feeding stdin (may be null) to it. */
    public static CommandResult run(List<String> argv, String stdin, Duration timeout) {
        return run(new Command(argv, stdin, Map.of(), timeout));
    }

    /** Runs a command as it is, on this machine. */
    public static CommandResult run(Command command) {
        List<String> argv = command.argv();
        Process process;
        try {
            process = builder(command.argv(), command.env()).redirectInput(command.stdin() == null
                    ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                    : ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            return new CommandResult(argv, 127, "", argv.getFirst() + ": not found or not executable ("
                    + e.getMessage() + ")");
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (command.stdin() != null) {
                try (var in = process.getOutputStream()) {
                    in.write(command.stdin().getBytes(StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the process exited early; its exit code and stderr say why
                }
            }
            Duration timeout = command.timeout();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                return new CommandResult(argv, 124, out.join(), err.join() + "timed out after " + timeout.toSeconds() + " s");
            }
            return new CommandResult(argv, process.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new CommandResult(argv, 130, "", "interrupted");
        }
    }

    /**
     * Starts argv in the background; {@code shown} is the argv reported for it (the command as typed on the node,
     * without the wrapper that got it there).
     */
    public static RemoteProcess start(List<String> argv, Map<String, String> env, List<String> shown)
            throws RemoteException {
        try {
            Process process = builder(argv, env).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            return new LocalProcess(process, shown);
        } catch (IOException e) {
            throw new RemoteException("cannot start '" + Commands.render(shown) + "': " + e.getMessage(), e);
        }
    }

    private static ProcessBuilder builder(List<String> argv, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().putAll(env);
        return builder;
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, Thread::startVirtualThread);
    }

    /** A background process of this JVM: outputs collected as they come, ended by its own PID only. */
    private static final class LocalProcess implements RemoteProcess {
        private final Process process;
        private final List<String> shown;
        private final StringBuffer out = new StringBuffer();
        private final StringBuffer err = new StringBuffer();
        private final Thread outReader;
        private final Thread errReader;

        LocalProcess(Process process, List<String> shown) {
            this.process = process;
            this.shown = List.copyOf(shown);
            this.outReader = collect(process.getInputStream(), out);
            this.errReader = collect(process.getErrorStream(), err);
        }

        private static Thread collect(InputStream stream, StringBuffer into) {
            return Thread.startVirtualThread(() -> {
                byte[] buffer = new byte[8192];
                try (stream) {
                    int n;
                    while ((n = stream.read(buffer)) > 0) {
                        into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException ignored) {
                    // the process is gone
                }
            });
        }

        @Override
        public List<String> argv() {
            return shown;
        }

        @Override
        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public java.util.OptionalLong pid() {
            return java.util.OptionalLong.of(process.pid());
        }

        @Override
        public String stderrSoFar() {
            return err.toString();
        }

        @Override
        public String stdoutSoFar() {
            return out.toString();
        }

        @Override
        public CommandResult stop(Duration grace) {
            try {
                if (process.isAlive()) {
                    // SIGTERM to this PID through its handle: Process.destroy() would also close our end of its
                    // pipes, and its last words (tcpdump's "N packets captured") would be lost.
                    process.toHandle().destroy();
                    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                        process.destroyForcibly();
                    }
                }
                process.waitFor();
                outReader.join(Duration.ofSeconds(2));
                errReader.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            return new CommandResult(shown, process.isAlive() ? 130 : process.exitValue(), out.toString(), err.toString());
        }
    }
}
