package dev.vxlab.backend.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.remote.CommandResult;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Milestone 1: the image boots under qemu-system-aarch64 and the real guest agent runs commands in it. */
@org.junit.jupiter.api.Tag("kernel") // boots VMs inside the sandbox
class QemuVmBootTest {

    @Test
    void bootsAnArm64KernelAndAnswersThroughTheGuestAgent() throws Exception {
        try (QemuVm vm = BootedVm.boot("boot0")) {
            System.err.printf("boot0: guest agent answered %.1f s after qemu started%n", vm.secondsSinceStart());
            QemuNodeRemote remote = new QemuNodeRemote("boot0", vm.awaitAgent(Duration.ofSeconds(5)));

            CommandResult arch = remote.run("uname", "-m");
            assertThat(arch.exitCode()).isZero();
            assertThat(arch.stdout().strip()).isEqualTo("aarch64");
            assertThat(remote.run("uname", "-r").stdout().strip()).endsWith("-arm64");
            // the kernel modules a node needs are loaded
            assertThat(remote.run("cat", "/proc/modules").stdout()).contains("vxlan", "veth", "bridge", "nf_tables");
            assertThat(Files.readString(vm.consoleLog())).contains("VXLAB-INIT", "guest agent starting");
        }
    }
}
