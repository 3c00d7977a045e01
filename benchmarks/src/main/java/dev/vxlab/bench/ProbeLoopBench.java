package dev.vxlab.bench;

import dev.vxlab.detectors.agent.ProbeLoop;
import dev.vxlab.detectors.netlink.NetlinkSource;
import dev.vxlab.detectors.source.CommandRunner;
import dev.vxlab.detectors.source.IpJsonSource;
import dev.vxlab.detectors.source.NmFactsSource;
import dev.vxlab.detectors.spi.Doctor;
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
 * The headline: one iteration of the agent's loop on a real flannel node (netlink snapshot, every detector against
 * the counter baseline, diff with the previous findings), and the same loop over the {@code ip -j} source.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class ProbeLoopBench {
    @Param({"4", "100", "1000"})
    public int peers;

    private FlannelNamespace node;
    private NetlinkSource netlink;
    private ProbeLoop overNetlink;
    private ProbeLoop overIpJson;

    @Setup(Level.Trial)
    public void programTheNode() throws Exception {
        node = BenchNamespaces.create("loop", peers);
        netlink = NetlinkSource.open(node.file());
        Doctor doctor = Doctor.load();
        overNetlink = new ProbeLoop(node.nodeName(), netlink, doctor, node.view());
        overIpJson = new ProbeLoop(node.nodeName(),
                IpJsonSource.of(CommandRunner.netns(node.namespace()), NmFactsSource.NOT_INSPECTED), doctor,
                node.view());
        ProbeLoop.Iteration first = overNetlink.iterate(true);
        if (!first.diagnosis().findings().isEmpty()) {
            throw new IllegalStateException("the programmed node is not healthy: " + first.diagnosis());
        }
    }

    @TearDown(Level.Trial)
    public void deleteTheNode() {
        netlink.close();
        node.delete();
    }

    @Benchmark
    public ProbeLoop.Iteration netlinkLoop() throws Exception {
        return overNetlink.iterate(false);
    }

    @Benchmark
    public ProbeLoop.Iteration ipJsonLoop() throws Exception {
        return overIpJson.iterate(false);
    }
}
