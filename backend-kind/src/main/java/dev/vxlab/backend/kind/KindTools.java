package dev.vxlab.backend.kind;

import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.ProcessRunner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The host programs the kind backend drives (kind, kubectl, docker) and the one place they run: every call through
 * {@link ProcessRunner} with a deadline and its outputs captured. {@link #missing} says in one sentence what is
 * absent, checked in the order a user would install them.
 */
final class KindTools {
    static final List<String> PROGRAMS = List.of("kind", "kubectl", "docker");

    private final Function<String, Optional<Path>> finder;

    KindTools() {
        this(KindTools::onPath);
    }

    /** With a finder of programs, so a test can say which programs "exist". */
    KindTools(Function<String, Optional<Path>> finder) {
        this.finder = finder;
    }

    static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Why the backend cannot run here, if a program is missing or no Docker engine answers. */
    Optional<String> missing() {
        for (String program : PROGRAMS) {
            if (finder.apply(program).isEmpty()) {
                return Optional.of(needs() + program + " not found on PATH");
            }
        }
        CommandResult engine = run(List.of("docker", "version", "--format", "{{.Server.Version}}"),
                Duration.ofSeconds(15));
        if (!engine.ok()) {
            return Optional.of(needs() + "no Docker engine answers (" + firstLine(engine.stderr())
                    + "); start one or set DOCKER_HOST");
        }
        return Optional.empty();
    }

    static String needs() {
        return "kind backend needs kind, kubectl and a Docker engine: ";
    }

    CommandResult run(List<String> argv, Duration timeout) {
        return ProcessRunner.run(argv, timeout);
    }

    CommandResult run(List<String> argv, String stdin, Duration timeout) {
        return ProcessRunner.run(new Command(argv, stdin, java.util.Map.of(), timeout));
    }

    /** Runs argv and returns its stdout, or throws the one sentence saying what failed. */
    String check(String what, List<String> argv, Duration timeout) throws dev.vxlab.lab.LabException {
        return check(what, argv, null, timeout);
    }

    String check(String what, List<String> argv, String stdin, Duration timeout) throws dev.vxlab.lab.LabException {
        CommandResult result = run(argv, stdin, timeout);
        if (!result.ok()) {
            throw new dev.vxlab.lab.LabException(what + " failed (" + result.commandLine() + ", exit "
                    + result.exitCode() + "): " + lastLine(result.stderr().isBlank() ? result.stdout() : result.stderr()));
        }
        return result.stdout();
    }

    static String firstLine(String text) {
        String s = text.strip();
        int end = s.indexOf('\n');
        return s.isEmpty() ? "no message" : end < 0 ? s : s.substring(0, end);
    }

    /** kind and kubectl put the reason last (after progress lines). */
    static String lastLine(String text) {
        List<String> lines = text.strip().lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "no message" : lines.getLast().strip();
    }
}
