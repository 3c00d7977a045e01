package dev.vxlab.scenarios.contract;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.Backends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;

/**
 * The kill contract on qemu: after SIGKILL, none of the run's qemu-system-aarch64 processes runs and none of its
 * network namespaces (the fabric with the taps or the multicast L2) is held.
 */
@org.junit.jupiter.api.Tag("kernel") // boots VMs inside the sandbox
class QemuKilledRunTest extends KilledRunContract {
    private static final String QEMU = "qemu:";

    @BeforeEach
    void qemuRunsHere() {
        try {
            Backends.byName("qemu").info();
        } catch (LabException cannotRun) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI must run the qemu backend, but " + cannotRun.getMessage());
            }
            assumeTrue(false, cannotRun.getMessage());
        }
    }

    @Override
    protected String backend() {
        return "qemu";
    }

    @Override
    protected boolean fastPath() {
        return false;
    }

    @Override
    protected Set<String> tracesWhileRunning(ProcessHandle run) throws IOException {
        Set<String> traces = new HashSet<>(NetnsLeftovers.namespacesOf(run));
        run.descendants().filter(p -> p.info().commandLine().orElse("").contains("qemu-system-aarch64"))
                .forEach(p -> traces.add(QEMU + p.pid()));
        return traces;
    }

    @Override
    protected Set<String> stillHeld(Set<String> traces) throws IOException {
        Set<String> namespaces = new HashSet<>();
        Set<String> held = new HashSet<>();
        for (String trace : traces) {
            if (trace.startsWith(QEMU)) {
                Path stat = Path.of("/proc", trace.substring(QEMU.length()), "stat");
                if (Files.exists(stat)) {
                    String text = Files.readString(stat);
                    if (text.charAt(text.lastIndexOf(')') + 2) != 'Z') {
                        held.add(trace);
                    }
                }
            } else {
                namespaces.add(trace);
            }
        }
        held.addAll(NetnsLeftovers.held(namespaces));
        return held;
    }
}
