package dev.vxlab.bench;

import dev.vxlab.lab.Lab;
import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.backend.Capability;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.doctor.LabDoctor;
import dev.vxlab.lab.probe.ConnectivityMatrix;
import dev.vxlab.lab.probe.ProbeResult;
import dev.vxlab.lab.spec.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * From nothing to a healthy 3-node cluster of the field's profile on one backend, as a user waits for it: the
 * backend builds its nodes (namespaces, VMs, containers), flannel programs them, the pods' servers answer, and then the
 * whole connectivity matrix passes (TCP, HTTP with the full 19 KB body, DNS over UDP and TCP, from every node and pod
 * to every pod) and the doctor finds nothing on any node. Single shot: one boot per operation, the cluster removed
 * after each. Each backend uses its usual path: the fast path where it offers one, its remotes otherwise.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class BootToHealthyBench {
    static final int NODES = 3;
    /** A matrix may be measured while the last pod server is still starting; a boot gets this many tries. */
    private static final int MATRIX_TRIES = 5;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    /** Set by {@link Suite} to the backends that can run here; netns alone when run by hand. */
    @Param({"netns"})
    public String backend;

    private ClusterBackend chosen;
    private LabOptions options;
    private Path directory;
    private Lab lab;

    @Setup(Level.Trial)
    public void choose() throws Exception {
        chosen = Backends.byName(backend);
        options = chosen.info().has(Capability.NETNS_FAST_PATH) ? LabOptions.DEFAULT : LabOptions.REMOTE_ONLY;
        directory = Files.createTempDirectory("vxlab-bench-boot");
    }

    @Benchmark
    public ConnectivityMatrix bootToHealthy() throws Exception {
        lab = Lab.start(chosen, ClusterSpec.field(NODES), LabRun.random(directory), options);
        ConnectivityMatrix matrix = lab.matrix(PROBE_TIMEOUT);
        for (int tries = 1; !matrix.allOk() && tries < MATRIX_TRIES; tries++) {
            matrix = lab.matrix(PROBE_TIMEOUT);
        }
        if (!matrix.allOk()) {
            throw new IllegalStateException(backend + ": the cluster never became healthy: "
                    + matrix.failures().stream().map(ProbeResult::summary).toList());
        }
        for (LabDoctor.Examined examined : new LabDoctor(lab).examine().values()) {
            if (!examined.diagnosis().findings().isEmpty()) {
                throw new IllegalStateException(backend + ": the doctor found " + examined.diagnosis().findings()
                        + " on a freshly booted node " + examined.diagnosis().node());
            }
        }
        return matrix;
    }

    @TearDown(Level.Invocation)
    public void down() {
        if (lab != null) {
            lab.close();
            lab = null;
        }
    }
}
