package dev.vxlab.backend.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.RemoteProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Milestone 2: the node's Remote over the guest agent, against one booted arm64 VM. */
@org.junit.jupiter.api.Tag("kernel") // boots VMs inside the sandbox
class QemuNodeRemoteTest {
    private static QemuVm vm;
    private static QemuNodeRemote remote;

    @BeforeAll
    static void boot() throws Exception {
        vm = BootedVm.boot("remote0");
        remote = new QemuNodeRemote("remote0", vm.awaitAgent(Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        if (vm != null) {
            vm.close();
        }
    }

    @Test
    void runReturnsExitCodeAndBothOutputs() {
        CommandResult result = remote.run("sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
    }

    @Test
    void runFeedsStdinAndEnvironment() {
        assertThat(remote.run(Command.of("cat").withStdin("line one\nline two\n")).stdout())
                .isEqualTo("line one\nline two\n");
        assertThat(remote.run(Command.of("sh", "-c", "echo $GREETING").withEnv(Map.of("GREETING", "hello"))).stdout())
                .isEqualTo("hello\n");
    }

    @Test
    void realProgramsComeBeforeBusyboxApplets() {
        // iproute2's ip, not busybox's applet: -j (JSON) exists only in iproute2
        CommandResult links = remote.run("ip", "-j", "link", "show", "lo");
        assertThat(links.exitCode()).isZero();
        assertThat(links.stdout()).startsWith("[{").contains("\"ifname\":\"lo\"");
    }

    @Test
    void aMissingProgramIsExit127AndATimeoutIs124() {
        assertThat(remote.run("no-such-program").exitCode()).isEqualTo(127);
        CommandResult slow = remote.run(Command.of("sleep", "60").withTimeout(Duration.ofSeconds(1)));
        assertThat(slow.exitCode()).isEqualTo(124);
        assertThat(remote.run("sh", "-c", "pidof sleep || echo none").stdout()).isEqualTo("none\n");
    }

    @Test
    void runAllSendsIpCommandsAsOneBatch() throws Exception {
        remote.runAll(List.of(
                List.of("ip", "link", "add", "brtest", "type", "bridge"),
                List.of("ip", "link", "set", "dev", "brtest", "mtu", "1400"),
                List.of("ip", "link", "set", "dev", "brtest", "up")));
        assertThat(remote.run("ip", "-j", "link", "show", "brtest").stdout()).contains("\"mtu\":1400");
        remote.check("ip", "link", "del", "brtest");
    }

    @Test
    void startedProcessRunsUntilStoppedByItsPid() throws Exception {
        RemoteProcess process = remote.start(List.of("sh", "-c", "echo ready; echo warming >&2; exec sleep 600"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!process.stdoutSoFar().contains("ready") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(process.alive()).isTrue();
        assertThat(remote.run("pidof", "sleep").exitCode()).isZero();

        CommandResult result = process.stop(Duration.ofSeconds(5));
        assertThat(process.alive()).isFalse();
        assertThat(result.exitCode()).isEqualTo(128 + 15);
        assertThat(result.stdout()).isEqualTo("ready\n");
        assertThat(result.stderr()).isEqualTo("warming\n");
        assertThat(remote.run("pidof", "sleep").exitCode()).isNotZero();
    }

    @Test
    void putAndGetMoveFilesBothWays() throws Exception {
        byte[] body = new byte[19491];
        new Random(7).nextBytes(body);
        remote.put("/var/tmp/vxlab/new-dir/body.bin", body);
        assertThat(remote.get("/var/tmp/vxlab/new-dir/body.bin")).hasValue(body);
        assertThat(remote.run("wc", "-c", "/var/tmp/vxlab/new-dir/body.bin").stdout()).startsWith("19491 ");
        assertThat(remote.get("/var/tmp/vxlab/no-such-file")).isEmpty();
        assertThat(remote.list("/var/tmp/vxlab/new-dir")).containsExactly("body.bin");
    }
}
