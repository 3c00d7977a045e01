package dev.vxlab.bench;

import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.testkit.HealthyNodes;
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

/** Every built-in detector over a prepared healthy snapshot (with its previous one) and the advertised view. */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class DetectBench {
    /** Cluster sizes: the field's 5 nodes (4 peers), 100 and 1000. */
    @Param({"5", "100", "1000"})
    public int nodes;

    private final Doctor doctor = Doctor.load();
    private DetectionInput input;

    @Setup(Level.Trial)
    public void prepare() {
        HealthyNodes cluster = Clusters.healthy(nodes);
        input = cluster.input(cluster.names().getFirst());
        if (!doctor.examine(input).findings().isEmpty()) {
            throw new IllegalStateException("the prepared node is not healthy: " + doctor.examine(input));
        }
    }

    @Benchmark
    public Diagnosis allDetectors() {
        return doctor.examine(input);
    }
}
