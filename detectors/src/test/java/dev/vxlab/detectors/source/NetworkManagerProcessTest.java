package dev.vxlab.detectors.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The finder over a made-up /proc: it walks once, then looks only at the process it found while that runs, walks again
 * at once when it is gone, and while none runs walks at most once per interval.
 */
class NetworkManagerProcessTest {
    private static final long INTERVAL = Duration.ofSeconds(60).toNanos();

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000);

    private Path proc() {
        return dir.resolve("proc");
    }

    private Path namespace(String name) throws Exception {
        Path ns = dir.resolve(name);
        if (!Files.exists(ns)) {
            Files.writeString(ns, name);
        }
        return ns;
    }

    private void process(String pid, String comm, String netns) throws Exception {
        Path p = Files.createDirectories(proc().resolve(pid).resolve("ns"));
        Files.writeString(proc().resolve(pid).resolve("comm"), comm + "\n");
        Files.createSymbolicLink(p.resolve("net"), namespace(netns)); // stat follows it, as /proc's magic link
    }

    private void end(String pid) throws Exception {
        try (var files = Files.walk(proc().resolve(pid))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private NetworkManagerProcess.Finder finder(String netns) throws Exception {
        Files.createDirectories(proc());
        return new NetworkManagerProcess.Finder(proc(), namespace(netns), INTERVAL, now::get);
    }

    @Test
    void aFoundProcessIsCheckedAloneWhileItRuns() throws Exception {
        process("1", "systemd", "host");
        process("733", "NetworkManager", "host");
        process("900", "NetworkManager", "node0"); // another namespace's
        NetworkManagerProcess.Finder host = finder("host");
        assertThat(host.getAsBoolean()).isTrue();
        assertThat(host.getAsBoolean()).isTrue();
        assertThat(host.walks).isEqualTo(1);

        end("733");
        process("812", "NetworkManager", "host"); // restarted under a new PID
        assertThat(host.getAsBoolean()).as("the successor is looked for at once").isTrue();
        assertThat(host.walks).isEqualTo(2);
    }

    @Test
    void whileNoneRunsProcIsWalkedOncePerInterval() throws Exception {
        process("1", "systemd", "host");
        process("900", "NetworkManager", "node0");
        NetworkManagerProcess.Finder host = finder("host");
        assertThat(host.getAsBoolean()).isFalse();
        process("733", "NetworkManager", "host");
        now.addAndGet(INTERVAL - 1);
        assertThat(host.getAsBoolean()).as("not walked again within the interval").isFalse();
        assertThat(host.walks).isEqualTo(1);
        now.addAndGet(1);
        assertThat(host.getAsBoolean()).isTrue();
        assertThat(host.walks).isEqualTo(2);
    }

    @Test
    void aProcessThatOnlyStartsWithTheNameIsNotNetworkManager() throws Exception {
        process("5", "NetworkManager-dispatcher", "host");
        process("6", "NetworkManage", "host");
        assertThat(finder("host").getAsBoolean()).isFalse();
    }

    @Test
    void withoutLeaveToReadItsNamespaceTheProcessIsPlacedByItsNetDev() throws Exception {
        // /proc/self/ns/net is the agent's namespace; NetworkManager's ns/net cannot be read (no ns/net here), but
        // its net/dev is the same as the agent's, or another namespace's.
        Path self = Files.createDirectories(proc().resolve("self").resolve("ns"));
        Files.createSymbolicLink(self.resolve("net"), namespace("host"));
        Files.createDirectories(proc().resolve("self").resolve("net"));
        Files.createSymbolicLink(proc().resolve("self").resolve("net").resolve("dev"), namespace("host-net-dev"));
        for (String[] p : new String[][] {{"733", "host-net-dev"}, {"900", "node0-net-dev"}}) {
            Files.createDirectories(proc().resolve(p[0]).resolve("net"));
            Files.writeString(proc().resolve(p[0]).resolve("comm"), "NetworkManager\n");
            Files.createSymbolicLink(proc().resolve(p[0]).resolve("net").resolve("dev"), namespace(p[1]));
        }
        NetworkManagerProcess.Finder agent = new NetworkManagerProcess.Finder(proc(), self.resolve("net"), INTERVAL,
                now::get);
        assertThat(agent.getAsBoolean()).isTrue();
        end("733");
        assertThat(agent.getAsBoolean()).as("node0's NetworkManager is not the agent's namespace's").isFalse();
    }

    @Test
    void theRealProcFindsAProcessOfThatNameAndSeesItEnd() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(NetworkManagerProcess.runsIn(Path.of("/proc/self/ns/net")),
                "the machine's own NetworkManager runs here");
        // A copy of sleep named NetworkManager: its comm is the name; it touches no network.
        Path fake = dir.resolve("NetworkManager");
        Files.copy(Path.of("/bin/sleep"), fake);
        fake.toFile().setExecutable(true);
        Process p = new ProcessBuilder(fake.toString(), "60").start();
        try {
            var finder = NetworkManagerProcess.finder(Path.of("/proc/self/ns/net"), Duration.ofHours(1));
            assertThat(finder.getAsBoolean()).isTrue();
            p.destroy();
            p.waitFor();
            assertThat(finder.getAsBoolean()).as("its end is seen without waiting for the walk interval").isFalse();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theRealProcFindsNoNetworkManagerInANamespaceThatHasNone() throws Exception {
        // This machine's own namespace runs none in CI (the lab starts its own, confined to nodes, by PID).
        Path empty = namespace("no-such-namespace-file-is-a-netns");
        assertThat(NetworkManagerProcess.runsIn(empty)).isFalse();
    }
}
