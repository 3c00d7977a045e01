package dev.vxlab.bench;

import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;

/** Prepared (in-memory) clusters: the field's plan where it fits, a /16 underlay and a /12 pod network beyond. */
final class Clusters {
    private Clusters() {}

    static HealthyNodes healthy(int nodes) {
        return HealthyNodes.of(nodes <= 200 ? ClusterPlan.field(nodes)
                : ClusterPlan.of(nodes, "172.31.0.0/16", 19, "10.176.0.0/12", 24, 20201020L));
    }
}
