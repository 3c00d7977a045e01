package dev.vxlab.bench;

import dev.vxlab.lab.backend.Cluster;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.spec.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The time from nothing to a whole netns cluster of the field's profile (fabric, nodes, flannel's devices and every
 * peer's entries, pods, the DNS Service's rules), as {@code vxlab up} builds it: one build per operation, timed once
 * (single shot: a build is seconds), deleted after each.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class ClusterUpBench {
    @Param({"5", "32", "100", "250"})
    public int nodes;

    private ClusterSpec spec;
    private Path directory;
    private Cluster cluster;

    @Setup(Level.Trial)
    public void plan() throws Exception {
        spec = ClusterSpec.field(nodes);
        directory = Files.createTempDirectory("vxlab-bench-up");
    }

    @Benchmark
    public Cluster up() throws Exception {
        cluster = new NetnsBackend().create(spec, LabRun.random(directory), LabOptions.DEFAULT);
        return cluster;
    }

    @TearDown(Level.Invocation)
    public void down() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
