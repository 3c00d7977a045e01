package dev.vxlab.backend.qemu;

import dev.vxlab.detectors.remote.CommandResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a program on this machine in a given directory (apt-get download writes where it runs) with a time limit. */
final class HostCommand {
    private HostCommand() {}

    static CommandResult run(List<String> argv, Path directory, Duration timeout) {
        try {
            Path out = Files.createTempFile("vxlab-qemu-out", ".txt");
            Path err = Files.createTempFile("vxlab-qemu-err", ".txt");
            try {
                Process process = new ProcessBuilder(argv).directory(directory.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                    return new CommandResult(argv, 124, Files.readString(out), Files.readString(err)
                            + "\n(timed out after " + timeout.toSeconds() + " s)");
                }
                return new CommandResult(argv, process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return new CommandResult(argv, 127, "", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CommandResult(argv, 130, "", "interrupted");
        }
    }
}
