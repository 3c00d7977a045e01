package dev.vxlab.scenarios.contract;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL midway leaves nothing behind, on any backend: `vxlab run` of a scenario that waits once
 * its cluster is healthy is killed, then no process of it runs and the backend says what it still holds
 * ({@link #tracesWhileRunning} and {@link #stillHeld}). A backend runs it with a few lines, like {@link BackendContract}.
 */
@Kernel
public abstract class KilledRunContract {
    private static final String WAITING = """
            description: a healthy cluster that waits to be killed
            cluster: {nodes: 2}
            steps:
              - expect-healthy
              - wait: 120s
            """;

    @TempDir
    Path dir;

    /** The backend's name, as --backend takes it. */
    protected abstract String backend();

    /** Whether the run may use the backend's fast path. */
    protected abstract boolean fastPath();

    /** What the running lab holds (namespaces, containers, VMs...), seen from the run's process tree. */
    protected abstract Set<String> tracesWhileRunning(ProcessHandle run) throws IOException;

    /** Which of those traces are still held by anything after the kill. */
    protected abstract Set<String> stillHeld(Set<String> traces) throws IOException;

    @Test
    void sigkillMidwayLeavesNothingBehind() throws Exception {
        Path scenario = dir.resolve("waiting.yaml");
        Files.writeString(scenario, WAITING);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Dvxlab.home=" + System.getProperty("vxlab.home"),
                "-cp", System.getProperty("java.class.path"), "dev.vxlab.lab.cli.Main", "run", scenario.toString(),
                "--backend", backend(), "--report", dir.resolve("report").toString()));
        if (!fastPath()) {
            command.add("--no-fast-path");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("VXLAB_SANDBOX"); // the backend enters what it needs, as on a developer's machine
        Process run = builder.start();

        Set<String> traces;
        StringBuilder seen = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("  ok")) {
                seen.append(line).append('\n'); // wait until the cluster is built and proved healthy
            }
            assertThat(line).as("the run got as far as a healthy cluster:\n" + seen).isNotNull();
            traces = tracesWhileRunning(run.toHandle());
            assertThat(traces).as("what the lab holds while it runs").isNotEmpty();

            run.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            run.toHandle().destroyForcibly();
            assertThat(run.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        awaitDescendantsGone(run);
        assertThat(stillHeld(traces)).as("nothing of the killed run is still held").isEmpty();
    }

    /**
     * The test JVM may be PID 1 of its own sandbox and does not reap strangers, so the killed run's processes may
     * linger as zombies: dead, holding nothing. Anything else still running would be a leak.
     */
    private static void awaitDescendantsGone(Process run) throws InterruptedException {
        List<String> running = List.of();
        for (int i = 0; i < 100; i++) {
            running = ProcessHandle.current().descendants().filter(p -> p.pid() != run.pid())
                    .filter(KilledRunContract::running).map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                    .toList();
            if (running.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(running).as("no process of the killed run is left").isEmpty();
    }

    private static boolean running(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return process.isAlive() && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }
}
