package dev.vxlab.lab.testbrowser;

import dev.vxlab.lab.sandbox.Sandbox;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Debian's chromium, headless, for tests that look at a page the way a person would. Every run is a process this
 * class starts and ends by PID (its descendants too, by the PIDs it saw), with a fresh profile and home directory
 * and a timeout. Tests run inside the lab's sandbox, whose network namespace reaches nothing: pages are files.
 */
public final class HeadlessChromium {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", "--hide-scrollbars");

    private final Path binary;
    private final Path workDir;
    private int runs;

    private HeadlessChromium(Path binary, Path workDir) {
        this.binary = binary;
        this.workDir = workDir;
    }

    /** The chromium on PATH, working in (fresh subdirectories of) this directory; empty where it is not installed. */
    public static Optional<HeadlessChromium> find(Path workDir) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "chromium");
            if (Files.isExecutable(candidate)) {
                return Optional.of(new HeadlessChromium(candidate, workDir));
            }
        }
        return Optional.empty();
    }

    /** How to get chromium, for {@code RequiredTool.require("chromium", ...)}. */
    public static final String MISSING = "chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)";

    /** Renders the page in a window of this size and decodes the screenshot. */
    public BufferedImage screenshot(Path page, int width, int height) throws IOException, InterruptedException {
        Path png = workDir.resolve("screenshot-" + (runs + 1) + ".png");
        run(List.of("--screenshot=" + png, "--window-size=" + width + "," + height, page.toUri().toString()));
        BufferedImage image = ImageIO.read(png.toFile());
        if (image == null) {
            throw new IOException("chromium wrote no readable PNG to " + png);
        }
        return image;
    }

    /** The page's DOM after chromium parsed and laid it out, as chromium serialises it. */
    public String dumpDom(Path page) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", page.toUri().toString()));
    }

    /** Runs chromium once and returns its standard output; fails on a non-zero exit or the timeout. */
    private String run(List<String> arguments) throws IOException, InterruptedException {
        if (!Sandbox.inside()) {
            // Outside the sandbox chromium would share this machine's network namespace; pages are files, so refuse.
            throw new IllegalStateException("headless chromium runs only inside the lab sandbox (bin/sandbox-jvm)");
        }
        runs++;
        Path dir = Files.createDirectories(workDir.resolve("chromium-" + runs));
        Path profile = Files.createDirectories(dir.resolve("profile"));
        Path home = Files.createDirectories(dir.resolve("home"));
        Path stdout = dir.resolve("stdout");
        Path stderr = dir.resolve("stderr");
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(FLAGS);
        command.add("--user-data-dir=" + profile);
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Map<String, String> env = builder.environment();
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        Process process = builder.start();
        // Chromium forks helpers (zygote, renderer, utility); remember every PID seen so all can be ended by PID.
        Map<Long, ProcessHandle> seen = new LinkedHashMap<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(h -> seen.putIfAbsent(h.pid(), h));
                if (System.nanoTime() > deadline) {
                    throw new IOException("chromium did not finish within " + TIMEOUT.toSeconds() + " s: "
                            + tail(stderr));
                }
            }
        } finally {
            process.descendants().forEach(h -> seen.putIfAbsent(h.pid(), h));
            seen.values().stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (process.exitValue() != 0) {
            throw new IOException("chromium exited with " + process.exitValue() + ": " + tail(stderr));
        }
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    private static String tail(Path file) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }
}
