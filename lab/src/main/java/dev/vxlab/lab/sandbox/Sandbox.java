package dev.vxlab.lab.sandbox;

import dev.vxlab.lab.LabException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Puts the CLI inside the lab sandbox (bin/vxlab-sandbox): a fresh user (when not root), network, mount and PID
 * namespace. A JVM cannot enter a new user namespace itself (it is multi-threaded), so it starts itself again inside
 * one. The child is tied to this process with a parent-death signal, so killing this JVM ends the sandbox and the
 * kernel frees everything the lab made.
 */
public final class Sandbox {
    private Sandbox() {}

    public static boolean inside() {
        return "1".equals(System.getenv("VXLAB_SANDBOX"));
    }

    public static String mode() {
        return System.getenv().getOrDefault("VXLAB_SANDBOX_MODE", "none");
    }

    /** The project's root, set by the ./vxlab launcher. */
    public static Path home() throws LabException {
        String home = System.getProperty("vxlab.home");
        if (home == null || !Files.isExecutable(Path.of(home, "bin", "vxlab-sandbox"))) {
            throw new LabException("vxlab.home is not set to the vxlab checkout; start vxlab through its ./vxlab launcher");
        }
        return Path.of(home);
    }

    /** This JVM's command line minus the CLI arguments: java, its options, the class path and the main class. */
    public static List<String> javaCommand() throws LabException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Dvxlab.home=" + home());
        // The person's home, not the one the sandbox's uid 0 would look up (/root): caches (the qemu node image) and
        // lab state are found where the outside wrote them.
        command.add("-Duser.home=" + System.getProperty("user.home"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.vxlab.lab.cli.Main");
        return command;
    }

    /** Runs the CLI with these arguments inside a new sandbox, in the foreground, and returns its exit code. */
    public static int runInside(List<String> args) throws LabException {
        List<String> command = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--",
                home().resolve("bin/vxlab-sandbox").toString()));
        command.addAll(javaCommand());
        command.addAll(args);
        Process child;
        try {
            child = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            throw new LabException("cannot start the lab sandbox: " + e.getMessage(), e);
        }
        // On Ctrl-C the child gets SIGINT too and cleans up; give it a moment before this JVM (and so the
        // parent-death signal) ends it.
        Thread waiter = new Thread(() -> {
            try {
                child.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(waiter);
        try {
            int code = child.waitFor();
            Runtime.getRuntime().removeShutdownHook(waiter);
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } catch (IllegalStateException shuttingDown) {
            return 130;
        }
    }

    private static String privateClassPath(String classPath, Path lib) throws LabException {
        Path home = home().toAbsolutePath();
        List<String> entries = new ArrayList<>();
        try {
            Files.createDirectories(lib);
            int n = 0;
            for (String entry : classPath.split(java.io.File.pathSeparator)) {
                Path path = Path.of(entry).toAbsolutePath();
                if (!path.startsWith(home) || !Files.exists(path)) {
                    entries.add(entry);
                    continue;
                }
                Path copy = lib.resolve((n++) + "-" + path.getFileName());
                try (var walk = Files.walk(path)) {
                    for (Path p : walk.toList()) {
                        Path target = copy.resolve(path.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
                entries.add(copy.toString());
            }
        } catch (IOException e) {
            throw new LabException("cannot copy vxlab's classes for the lab into " + lib + ": " + e.getMessage(), e);
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /**
     * Starts the CLI with these arguments inside a new sandbox that outlives this process (a persistent lab): its
     * own session, no terminal, output to the log file. Returns the sandbox's launcher process.
     */
    public static Process startDetached(List<String> args, Path log) throws LabException {
        List<String> command = new ArrayList<>(List.of("setsid", home().resolve("bin/vxlab-sandbox").toString()));
        List<String> java = javaCommand();
        // A lab lives longer than a build: run it from a private copy of the project's own jars and classes, so a
        // rebuild of the checkout cannot pull classes from under the running daemon.
        int cp = java.indexOf("-cp") + 1;
        java.set(cp, privateClassPath(java.get(cp), log.getParent().resolve("lib")));
        command.addAll(java);
        command.addAll(args);
        try {
            return new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new LabException("cannot start the lab sandbox: " + e.getMessage(), e);
        }
    }
}
