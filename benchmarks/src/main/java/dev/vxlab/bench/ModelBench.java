package dev.vxlab.bench;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.model.DataplaneModel;
import dev.vxlab.detectors.model.Flow;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.detectors.testkit.HealthyNodes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

/**
 * The DataplaneModel's full connectivity matrix: from every node, a TCP handshake to every other node's flannel.1
 * address (the SYN encapsulated to the peer, delivered there, the SYN-ACK back through VXLAN): n x (n - 1) exchanges.
 * Indexing the snapshots ({@link DataplaneModel#of}) is part of the operation, and so is finding which nodes are
 * interchangeable: the model walks one exchange per class of equivalent flows (the host styles of the generated
 * cluster make a handful), so the cost is one pass over every snapshot entry plus a lookup per flow.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class ModelBench {
    @Param({"5", "100", "1000"})
    public int nodes;

    private Map<String, NodeState> states;
    private List<Flow> flows;

    @Setup(Level.Trial)
    public void prepare() {
        HealthyNodes cluster = Clusters.healthy(nodes);
        states = new HashMap<>();
        cluster.names().forEach(n -> states.put(n, cluster.state(n)));
        flows = new ArrayList<>();
        for (AdvertisedNode from : cluster.view().nodes()) {
            for (AdvertisedNode to : cluster.view().nodes()) {
                if (from != to) {
                    flows.add(new Flow(from.name(), to.podCidr().network()));
                }
            }
        }
        Map<Flow, Boolean> matrix = matrix();
        if (matrix.containsValue(false)) {
            throw new IllegalStateException("the healthy cluster has unreachable pairs");
        }
    }

    @Benchmark
    public Map<Flow, Boolean> matrix() {
        return DataplaneModel.of(states, Map.of(), List.of()).reachability(flows);
    }
}
