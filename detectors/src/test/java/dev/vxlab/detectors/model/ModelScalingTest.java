package dev.vxlab.detectors.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The model on a large cluster: every node's snapshot has a route, neighbor and FDB entry per peer, and traces still
 * find their way (correctness only; how fast is the benchmarks' job).
 */
class ModelScalingTest {

    @Test
    void aLargeClusterIsReachableEverywhereAndAFaultOnOneNodeBreaksOnlyItsPaths() {
        FlannelCluster cluster = FlannelCluster.synthetic(300);
        List<String> nodes = cluster.nodeNames();
        String faulty = nodes.get(150);
        cluster.edit(faulty, FlannelCluster.link("flannel.1", FlannelCluster.withMac(FlannelCluster.DRIFTED)));
        DataplaneModel model = cluster.model();

        List<Flow> flows = new ArrayList<>();
        for (String source : nodes) {
            for (String target : List.of(nodes.get(0), faulty, nodes.getLast())) {
                flows.add(new Flow("app@" + source, cluster.appIpOf(target), Transfer.LARGE_REPLY));
            }
        }
        Map<Flow, Boolean> reachable = model.reachability(flows);

        reachable.forEach((flow, ok) -> {
            boolean fromFaulty = flow.source().equals("app@" + faulty);
            boolean toFaulty = flow.destination().equals(cluster.appIpOf(faulty));
            assertThat(ok).as(flow.toString()).isEqualTo(fromFaulty == toFaulty);
        });
    }
}
