package dev.vxlab.lab.shell;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a local process to completion with a deadline, collecting both outputs without deadlocking on pipes. */
public final class ProcessRunner {
    private ProcessRunner() {}

    /** Runs argv; a missing program or an expired deadline becomes exit code 127 or 124 with an explanation. */
    public static CommandResult run(List<String> argv, Duration timeout) {
        return run(argv, null, timeout);
    }

    /** Runs argv, feeding stdin (may be null) to it. */
    public static CommandResult run(List<String> argv, String stdin, Duration timeout) {
        Process process;
        try {
            process = new ProcessBuilder(argv).redirectInput(
                    stdin == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                            : ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            return new CommandResult(argv, 127, "", argv.getFirst() + ": not found or not executable ("
                    + e.getMessage() + ")");
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (stdin != null) {
                try (var in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the process exited early; its exit code and stderr say why
                }
            }
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

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, Thread::startVirtualThread);
    }
}
