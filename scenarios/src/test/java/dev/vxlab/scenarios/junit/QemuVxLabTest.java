package dev.vxlab.scenarios.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.probe.ConnectivityMatrix;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code @VxLab(backend = "qemu")} as a user writes it: the test gets a running cluster of arm64 guests, healthy,
 * and the extension removes it afterwards. Boots VMs (about a minute on 2 cores), so it is a slow-backend test, run by
 * CI beside the qemu contract.
 */
@Kernel
@Tag("slow-backend")
@VxLabTest
class QemuVxLabTest {
    @VxLab(backend = "qemu", nodes = 2)
    static Lab arm64;

    @Test
    void theTestGetsAHealthyClusterOfArm64Guests() throws Exception {
        assertThat(arm64.cluster().info().name()).isEqualTo("qemu");
        assertThat(arm64.cluster().nodes()).hasSize(2);
        for (ClusterNode node : arm64.cluster().nodes()) {
            assertThat(node.remote().run("uname", "-m").stdout().strip()).as(node.name()).isEqualTo("aarch64");
        }
        // A starved guest may answer a probe late; a healthy path passes within a few measurements.
        ConnectivityMatrix matrix = arm64.matrix(Duration.ofSeconds(2));
        for (int tries = 1; !matrix.allOk() && tries < 3; tries++) {
            matrix = arm64.matrix(Duration.ofSeconds(2));
        }
        assertThat(matrix.failures()).as(matrix.render()).isEmpty();
    }
}
