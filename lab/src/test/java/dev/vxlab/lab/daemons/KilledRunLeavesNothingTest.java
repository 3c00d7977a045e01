package dev.vxlab.lab.daemons;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.lab.testkit.RequiredTool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL while NetworkManager, firewalld and their bus run on a node (and after udev's builtin ran
 * there) leaves none of them, no udev process and no mount behind: the run's sandbox is a PID namespace whose end takes every process with it, and the daemons' mounts
 * live only in their own mount namespaces.
 */
@Kernel
class KilledRunLeavesNothingTest {
    @TempDir
    Path dir;

    @Test
    void sigkillEndsEveryDaemonAndLeavesNoMount() throws Exception {
        RequiredTool.require("NetworkManager", RequiredTool.onPath("NetworkManager"),
                "apt-get install --no-install-recommends network-manager firewalld dbus");
        RequiredTool.require("firewalld", RequiredTool.onPath("firewalld"),
                "apt-get install --no-install-recommends network-manager firewalld dbus");
        RequiredTool.require("udevadm", RequiredTool.onPath("udevadm"), "apt-get install --no-install-recommends udev");
        String mountsBefore = ConfinedDaemonsTest.HostFacts.mountTable();
        List<Long> before = daemonPids();

        Path sandbox = Path.of(System.getProperty("vxlab.home", "..")).resolve("bin/vxlab-sandbox").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(sandbox.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), DaemonsHoldMain.class.getName(), dir.toString())
                .redirectErrorStream(true);
        builder.environment().remove("VXLAB_SANDBOX"); // a sandbox of its own, nested in the test's
        Process run = builder.start();
        List<String> said = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals("ready")) {
                said.add(line);
            }
            assertThat(line).as("the held run got ready: %s", said).isEqualTo("ready");
            List<Long> during = daemonPids();
            during.removeAll(before);
            assertThat(during).as("NetworkManager, firewalld and dbus-daemon run").hasSizeGreaterThanOrEqualTo(3);

            run.toHandle().destroyForcibly(); // SIGKILL to the sandbox's unshare, by its PID
            run.waitFor();
            for (long pid : during) {
                // The kernel reaps the namespace's processes as PID 1 goes; wait for each to be gone.
                // (bounded, so a survivor fails the assertion below instead of hanging the build).
                var handle = ProcessHandle.of(pid);
                if (handle.isPresent()) {
                    try {
                        handle.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException survivor) {
                        break;
                    }
                }
            }
            List<Long> after = daemonPids();
            after.removeAll(before);
            assertThat(after).as("daemons left by the killed run").isEmpty();
        }
        assertThat(ConfinedDaemonsTest.HostFacts.mountTable()).isEqualTo(mountsBefore);
    }

    private static List<Long> daemonPids() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String comm = Files.readString(p.resolve("comm")).strip();
                    if (List.of("NetworkManager", "firewalld", "dbus-daemon", "udevadm", "systemd-udevd").contains(comm)) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // exited meanwhile
                }
            }
        }
        return pids;
    }
}
