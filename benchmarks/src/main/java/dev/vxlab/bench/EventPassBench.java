package dev.vxlab.bench;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.agent.ProbeLoop;
import dev.vxlab.detectors.netlink.ChangeEvent;
import dev.vxlab.detectors.netlink.NetlinkSource;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.testkit.FlannelNamespace;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The agent's pass after one change event on a healthy flannel node: a delta pass ({@code deltaPass}: the event's
 * route applied to the last state, then only the detectors reading routes and the fallback) against the full pass the
 * watcher took before ({@code fullPass}: netlink snapshot and every detector, what {@link ProbeLoopBench} measures).
 * The event adds, then removes, a route of table 100 the node's health does not depend on, so every pass finds the
 * node healthy: the steady state of an agent on a node whose routes churn.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class EventPassBench {
    @Param({"4", "1000"})
    public int peers;

    private FlannelNamespace node;
    private NetlinkSource netlink;
    private ProbeLoop deltas;
    private ProbeLoop full;
    private List<ChangeEvent> added;
    private List<ChangeEvent> removed;
    private boolean present;

    @Setup(Level.Trial)
    public void programTheNode() throws Exception {
        node = BenchNamespaces.create("evp", peers);
        netlink = NetlinkSource.open(node.file());
        Doctor doctor = Doctor.load();
        deltas = new ProbeLoop(node.nodeName(), netlink, doctor, node.view());
        full = new ProbeLoop(node.nodeName(), netlink, doctor, node.view());
        ProbeLoop.Iteration first = deltas.iterate(true);
        full.iterate(true);
        Link eth0 = first.state().link("eth0").orElseThrow();
        Route churn = new Route(100, Route.Type.UNICAST, Ipv4Prefix.parse("10.251.0.0/24"), Optional.empty(),
                Optional.of(eth0.ref()), 0, dev.vxlab.detectors.state.Scope.LINK, Route.Protocol.STATIC,
                Optional.empty(), 0);
        added = List.of(new ChangeEvent.RouteChanged(churn.table(), churn.dst(), false, Optional.of(churn)));
        removed = List.of(new ChangeEvent.RouteChanged(churn.table(), churn.dst(), true, Optional.of(churn)));
        for (List<ChangeEvent> events : List.of(added, removed)) {
            ProbeLoop.Iteration pass = deltas.iterate(events);
            if (!pass.delta() || !pass.diagnosis().findings().isEmpty()) {
                throw new IllegalStateException("the event pass is not a healthy delta pass: " + pass.diagnosis()
                        + " (" + deltas.lastRefusal() + ")");
            }
        }
    }

    @TearDown(Level.Trial)
    public void deleteTheNode() {
        netlink.close();
        node.delete();
    }

    @Benchmark
    public ProbeLoop.Iteration deltaPass() throws Exception {
        present = !present;
        return deltas.iterate(present ? added : removed);
    }

    @Benchmark
    public ProbeLoop.Iteration fullPass() throws Exception {
        return full.iterate(false);
    }
}
