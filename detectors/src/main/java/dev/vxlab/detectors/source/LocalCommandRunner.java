package dev.vxlab.detectors.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs local processes, draining both outputs concurrently so a chatty command cannot block on a full pipe. */
record LocalCommandRunner(Duration timeout) implements CommandRunner {

    static LocalCommandRunner withTimeout(Duration timeout) {
        return new LocalCommandRunner(timeout);
    }

    @Override
    public Output run(List<String> argv) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new IOException("cannot start '" + String.join(" ", argv) + "': " + e.getMessage(), e);
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new IOException("'" + String.join(" ", argv) + "' did not finish within " + timeout.toSeconds()
                        + " s");
            }
            return new Output(process.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            throw e;
        } catch (java.util.concurrent.CompletionException e) {
            throw new IOException("cannot read the output of '" + String.join(" ", argv) + "'", e.getCause());
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread.startVirtualThread(() -> {
            try (stream) {
                result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.completeExceptionally(new UncheckedIOException(e));
            }
        });
        return result;
    }
}
