package dev.vxlab.detectors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.testkit.Kernel;
import org.junit.jupiter.api.Test;

/** Guards the test harness itself: every test JVM must run inside the private lab sandbox, never on the host. */
@Kernel
class SandboxTest {
    @Test
    void testsRunInsideTheLabSandbox() throws Exception {
        assertThat(System.getenv("VXLAB_SANDBOX")).isEqualTo("1");
        assertThat(ProcessHandle.current().pid()).as("the test JVM is PID 1 of its own PID namespace").isEqualTo(1);
        assertThat(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/run/netns"))).isTrue();
    }
}
