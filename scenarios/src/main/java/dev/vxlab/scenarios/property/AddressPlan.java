package dev.vxlab.scenarios.property;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.lab.spec.ClusterSpec;
import java.util.List;

/**
 * A cluster's addressing, as clusters in the wild use it: the field report's, kubeadm's flannel default, k3s's, and
 * plans with a /16 underlay, another VXLAN port or jumbo frames.
 */
public record AddressPlan(String name, String underlay, int firstHost, boolean fieldOrder, String podNetwork,
                          String serviceNetwork, String clusterDomain, int vxlanPort, int underlayMtu) {

    public static final AddressPlan FIELD = new AddressPlan("field", "172.31.159.0/24", 19, true, "10.187.0.0/16",
            "10.186.0.0/16", "cluster1.local", 8472, 1500);

    /** Every plan the generators pick from; the field's first (the simplest, what shrinking moves toward). */
    public static final List<AddressPlan> ALL = List.of(
            FIELD,
            new AddressPlan("kubeadm", "192.168.56.0/24", 10, false, "10.244.0.0/16", "10.96.0.0/12",
                    "cluster.local", 8472, 1500),
            new AddressPlan("k3s", "10.0.2.0/24", 15, false, "10.42.0.0/16", "10.43.0.0/16", "cluster.local", 8472,
                    1500),
            new AddressPlan("wide-underlay", "172.20.0.0/16", 200, false, "10.200.0.0/16", "10.201.0.0/16",
                    "cluster.local", 4789, 1500),
            new AddressPlan("jumbo", "192.168.100.0/24", 2, false, "100.96.0.0/16", "100.64.0.0/16",
                    "k8s.local", 8472, 9000));

    /** The cluster this plan gives with that many nodes. */
    public ClusterSpec spec(int nodes) {
        return ClusterSpec.plan(name, nodes, Ipv4Prefix.parse(underlay), firstHost, fieldOrder,
                Ipv4Prefix.parse(podNetwork), Ipv4Prefix.parse(serviceNetwork), clusterDomain, 1, vxlanPort,
                underlayMtu);
    }
}
