package dev.vxlab.lab.reproduce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.testkit.Kernel;
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
 * `vxlab reproduce` killed with SIGKILL midway leaves nothing behind: no process, and no network namespace still
 * referenced by any process or mount anywhere on the machine (so the kernel has freed them and their devices).
 */
@Kernel
class KilledRunLeavesNothingTest {

    @TempDir
    Path dir;

    @Test
    void sigkillMidwayLeavesNoNamespaceMountOrProcess() throws Exception {
        Path sandbox = Path.of(System.getProperty("vxlab.home"), "bin", "vxlab-sandbox");
        List<String> command = new ArrayList<>(List.of(sandbox.toString(),
                ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.vxlab.lab.cli.Main", "reproduce",
                "--nodes", "3", "--report", dir.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("VXLAB_SANDBOX"); // a fresh, nested sandbox, as on a developer's machine
        Process run = builder.start();

        Set<String> namespaces = new HashSet<>();
        long sandboxInit = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.contains("probe matrix before the fault")) {
                // wait until the cluster is built and serving
            }
            assertThat(line).as("the run got as far as the healthy probe matrix").isNotNull();
            sandboxInit = run.toHandle().children().findFirst().orElseThrow().pid();
            namespaces.addAll(netnsInodes(Path.of("/proc", Long.toString(sandboxInit), "root", "run", "netns")));
            assertThat(namespaces).as("the lab's node and pod namespaces, seen while it runs").hasSizeGreaterThan(3);

            run.toHandle().destroyForcibly(); // SIGKILL to the sandbox's top process (unshare)
            assertThat(run.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        ProcessHandle init = ProcessHandle.of(sandboxInit).orElse(null);
        if (init != null) {
            init.onExit().get(20, TimeUnit.SECONDS);
        }
        // The test JVM is PID 1 of its own sandbox and does not reap strangers, so the killed run's processes may
        // linger as zombies here: dead, holding nothing. Anything else still running would be a leak.
        assertThat(ProcessHandle.current().descendants().filter(p -> p.pid() != run.pid())
                .filter(KilledRunLeavesNothingTest::running).map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .toList()).as("no process of the killed run is left").isEmpty();
        assertThat(referencedNetns()).as("no process or mount still holds one of the run's namespaces")
                .doesNotContainAnyElementsOf(namespaces);
    }

    private static boolean running(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return process.isAlive() && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    /** The nsfs inode numbers of the namespace files in a /run/netns directory. */
    private static Set<String> netnsInodes(Path runNetns) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> files = Files.list(runNetns)) {
            for (Path f : files.toList()) {
                inodes.add(Files.getAttribute(f, "unix:ino").toString());
            }
        }
        return inodes;
    }

    /** Every network namespace some process is in, or some mount anywhere refers to ("net:[INODE]"). */
    private static Set<String> referencedNetns() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String link = Files.readSymbolicLink(proc.resolve("ns/net")).toString();
                    inodes.add(link.replaceAll("\\D", ""));
                    for (String mount : Files.readAllLines(proc.resolve("mountinfo"))) {
                        var m = java.util.regex.Pattern.compile("net:\\[(\\d+)\\]").matcher(mount);
                        while (m.find()) {
                            inodes.add(m.group(1));
                        }
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        }
        return inodes;
    }
}
