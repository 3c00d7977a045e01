package dev.vxlab.bench;

import dev.vxlab.detectors.netlink.NetlinkSource;
import dev.vxlab.detectors.source.CommandRunner;
import dev.vxlab.detectors.source.IpJsonSource;
import dev.vxlab.detectors.source.NmFactsSource;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.FlannelNamespace;
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
 * One full snapshot of a real flannel node (the field's shape, with 4, 100 or 1000 peers: a route, a neighbor and an
 * FDB entry each): (a) the netlink FFM source, (b) the {@code ip -j}/{@code bridge -j} source every script uses, (c)
 * the four /proc/PID/net files, which see less (no FDB, MACs, MTUs, flags, otherhost; main table only).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class SnapshotBench {
    @Param({"4", "100", "1000"})
    public int peers;

    private FlannelNamespace node;
    private NetlinkSource netlink;
    private IpJsonSource ipJson;
    private Process resident;
    private ProcNetReader procNet;

    @Setup(Level.Trial)
    public void programTheNode() throws Exception {
        node = BenchNamespaces.create("snap", peers);
        netlink = NetlinkSource.open(node.file());
        ipJson = IpJsonSource.of(CommandRunner.netns(node.namespace()), NmFactsSource.NOT_INSPECTED);
        // /proc/PID/net shows the namespace of PID: a process that sleeps there.
        resident = new ProcessBuilder("ip", "netns", "exec", node.namespace(), "sleep", "infinity").start();
        awaitExec(resident);
        procNet = new ProcNetReader(resident.pid());
    }

    /** `ip netns exec` enters the namespace, then execs sleep: only then does /proc/PID/net show the node. */
    static void awaitExec(Process p) throws Exception {
        java.nio.file.Path cmdline = java.nio.file.Path.of("/proc", Long.toString(p.pid()), "cmdline");
        for (int i = 0; i < 500 && !java.nio.file.Files.readString(cmdline).startsWith("sleep"); i++) {
            Thread.sleep(10);
        }
    }

    @TearDown(Level.Trial)
    public void deleteTheNode() throws Exception {
        resident.destroy();
        resident.waitFor();
        netlink.close();
        node.delete();
    }

    @Benchmark
    public NodeState netlink() throws Exception {
        return netlink.snapshot();
    }

    @Benchmark
    public NodeState ipJson() throws Exception {
        return ipJson.snapshot();
    }

    @Benchmark
    public ProcNetReader.Facts procNet() throws Exception {
        return procNet.read();
    }
}
