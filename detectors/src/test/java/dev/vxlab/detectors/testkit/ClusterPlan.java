package dev.vxlab.detectors.testkit;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.spi.FlannelConfig;
import java.util.Objects;

/**
 * The shape of a test cluster: how many nodes, on which underlay and pod network, with which kernel and flannel
 * settings. {@link HealthyNodes} turns it into the advertised view and every node's healthy snapshot.
 *
 * @param namePrefix   node names are this plus the node's underlay host number ("kylin-" gives kylin-19, ...)
 * @param nodes        how many nodes
 * @param underlay     the nodes' network; its second-to-last address is the gateway
 * @param firstHost    the first node's host number in the underlay
 * @param underlayMtu  eth0's MTU; flannel's is 50 less
 * @param podNetwork   FLANNEL_NETWORK
 * @param subnetLength each node's lease length (flannel's SubnetLen, 24 by default)
 * @param podsPerNode  pods (veths on cni0) per node; 0 leaves cni0 out, as on a node no pod has landed on yet
 * @param kernel       which kernel's snapshot to imitate
 * @param flannel      VNI, port and device names
 * @param fieldLeases  use the field report's VtepMACs and lease order for the first five nodes
 * @param seed         everything random (MACs, lease order, host flavour) follows from it
 */
public record ClusterPlan(String namePrefix, int nodes, Ipv4Prefix underlay, int firstHost, int underlayMtu,
                          Ipv4Prefix podNetwork, int subnetLength, int podsPerNode, Kernel kernel,
                          FlannelConfig flannel, boolean fieldLeases, long seed) {

    /** Which kernel the snapshot imitates. */
    public enum Kernel {
        /** 5.19+: counts rx_otherhost_dropped; no broadcast route for a network address. */
        RECENT,
        /** 4.19 (the field's): no otherhost counter; broadcast routes for network addresses (cni0's <subnet>.0). */
        OLD
    }

    public ClusterPlan {
        Objects.requireNonNull(namePrefix);
        Objects.requireNonNull(kernel);
        Objects.requireNonNull(flannel);
        if (nodes < 1) {
            throw new IllegalArgumentException("a cluster has nodes");
        }
        if (subnetLength < podNetwork.length() || subnetLength > 29) {
            throw new IllegalArgumentException("leases of /" + subnetLength + " do not fit " + podNetwork);
        }
        if ((1L << (subnetLength - podNetwork.length())) < nodes) {
            throw new IllegalArgumentException(podNetwork + " has too few /" + subnetLength + " leases for " + nodes);
        }
        if (podsPerNode < 0 || podsPerNode + 2 >= (1L << (32 - subnetLength)) - 1) {
            throw new IllegalArgumentException("a /" + subnetLength + " lease cannot hold " + podsPerNode + " pods");
        }
        // The hosts after the nodes stay free (tests use the first one as a departed node's address), then the gateway.
        if (firstHost < 1 || firstHost + nodes + 1 >= underlay.size() - 2) {
            throw new IllegalArgumentException(underlay + " has no room for " + nodes + " nodes from ." + firstHost);
        }
        if (underlayMtu < 626 || underlayMtu > 9000) {
            throw new IllegalArgumentException("underlay MTU " + underlayMtu);
        }
        if (podNetwork.overlaps(underlay)) {
            throw new IllegalArgumentException("the pod network overlaps the underlay");
        }
    }

    /** The field report's cluster: 172.31.159.19…, 10.187.0.0/16, its VtepMACs and leases, kernel 4.19. */
    public static ClusterPlan field(int nodes) {
        return new ClusterPlan("kylin-", nodes, Ipv4Prefix.parse("172.31.159.0/24"), 19, 1500,
                Ipv4Prefix.parse("10.187.0.0/16"), 24, 2, Kernel.OLD, FlannelConfig.DEFAULT, true, 20201020L);
    }

    /** A plan on any address plan, flannel's defaults otherwise. */
    public static ClusterPlan of(int nodes, String underlay, int firstHost, String podNetwork, int subnetLength,
            long seed) {
        return new ClusterPlan("node-", nodes, Ipv4Prefix.parse(underlay), firstHost, 1500,
                Ipv4Prefix.parse(podNetwork), subnetLength, 2, Kernel.RECENT, FlannelConfig.DEFAULT, false, seed);
    }

    public ClusterPlan withNodes(int n) {
        return new ClusterPlan(namePrefix, n, underlay, firstHost, underlayMtu, podNetwork, subnetLength, podsPerNode,
                kernel, flannel, fieldLeases, seed);
    }

    public ClusterPlan withKernel(Kernel k) {
        return new ClusterPlan(namePrefix, nodes, underlay, firstHost, underlayMtu, podNetwork, subnetLength,
                podsPerNode, k, flannel, fieldLeases, seed);
    }

    public ClusterPlan withUnderlayMtu(int mtu) {
        return new ClusterPlan(namePrefix, nodes, underlay, firstHost, mtu, podNetwork, subnetLength, podsPerNode,
                kernel, flannel, fieldLeases, seed);
    }

    public ClusterPlan withPodsPerNode(int pods) {
        return new ClusterPlan(namePrefix, nodes, underlay, firstHost, underlayMtu, podNetwork, subnetLength, pods,
                kernel, flannel, fieldLeases, seed);
    }

    public ClusterPlan withFlannel(FlannelConfig config) {
        return new ClusterPlan(namePrefix, nodes, underlay, firstHost, underlayMtu, podNetwork, subnetLength,
                podsPerNode, kernel, config, fieldLeases, seed);
    }

    public ClusterPlan withSeed(long s) {
        return new ClusterPlan(namePrefix, nodes, underlay, firstHost, underlayMtu, podNetwork, subnetLength,
                podsPerNode, kernel, flannel, fieldLeases, s);
    }
}
