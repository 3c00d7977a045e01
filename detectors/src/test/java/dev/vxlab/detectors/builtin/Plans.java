package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.spi.FlannelConfig;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.ClusterPlan.Kernel;
import java.util.List;

/** Address plans the tests run on: the field's, common defaults, odd ones. */
final class Plans {
    private Plans() {}

    static List<ClusterPlan> all() {
        return List.of(
                ClusterPlan.field(5),
                ClusterPlan.field(5).withKernel(Kernel.RECENT),
                ClusterPlan.of(3, "192.168.1.0/24", 10, "10.244.0.0/16", 24, 1),
                ClusterPlan.of(3, "10.0.0.0/16", 200, "172.16.0.0/12", 24, 2).withKernel(Kernel.OLD),
                ClusterPlan.of(3, "192.168.56.0/24", 101, "10.42.0.0/20", 26, 3).withUnderlayMtu(9000),
                ClusterPlan.of(3, "172.18.0.0/16", 2, "10.96.128.0/17", 24, 4).withPodsPerNode(0),
                ClusterPlan.of(3, "100.64.0.0/24", 5, "10.88.0.0/16", 28, 5).withPodsPerNode(7)
                        .withFlannel(FlannelConfig.withVni(4)),
                new ClusterPlan("worker-", 3, Ipv4Prefix.parse("10.10.0.0/24"), 1, 1400,
                        Ipv4Prefix.parse("10.20.0.0/16"), 24, 1, Kernel.OLD,
                        new FlannelConfig(1, 4789, "flannel.1", "cni0"), false, 6));
    }
}
