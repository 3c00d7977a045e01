package dev.vxlab.scenarios.contract;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.RequireAll;
import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.LabOptions;
import java.util.Set;

/**
 * The qemu backend (arm64 VMs) under the contract, through its remotes only. Skipped with the backend's own reason
 * where it cannot run here (no qemu-system-aarch64, no built image), except where every tool is required
 * ({@link RequireAll}: CI), where that fails. About 20 minutes on a 2-core machine (every fault, matrices over the
 * guest agent), so it is tagged "slow-backend" and left out of a normal run:
 * {@code ./vxlab test -Dvxlab.excludedGroups= -Dtest=QemuContractTest}; CI runs it on a subset of the faults
 * ({@code -Dvxlab.contract.faults=...}, see .ci/run).
 */
@Kernel
@org.junit.jupiter.api.Tag("slow-backend")
class QemuContractTest extends BackendContract {
    @Override
    protected ClusterBackend backend() {
        try {
            ClusterBackend qemu = Backends.byName("qemu");
            try {
                qemu.info();
            } catch (LabException cannotRun) {
                if (RequireAll.on()) {
                    fail(RequireAll.why() + ": the qemu backend must run, but " + cannotRun.getMessage());
                }
                assumeTrue(false, cannotRun.getMessage());
            }
            return qemu;
        } catch (LabException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * virtio-net takes frames larger than its MTU, and VXLAN fragments its outer packets (no DF), so an eth0 made
     * smaller breaks no path between these VMs; the model knows (only a veth drops what exceeds its MTU), and the
     * doctor still names the mismatch.
     */
    @Override
    protected Set<String> harmlessToTheMatrix() {
        Set<String> harmless = new java.util.TreeSet<>(super.harmlessToTheMatrix());
        harmless.add("mtu-reset");
        return harmless;
    }

    @Override
    protected LabOptions options() {
        return LabOptions.REMOTE_ONLY;
    }
}
