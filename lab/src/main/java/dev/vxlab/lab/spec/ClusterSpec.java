package dev.vxlab.lab.spec;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Everything a backend needs to build a flannel-VXLAN cluster: the nodes and their leases, the pods, and the
 * network-wide parameters. {@link #field(int)} is the profile of the field report (Kylin V10, 172.31.159.19…).
 */
public record ClusterSpec(
        String profile,
        List<NodePlan> nodes,
        List<PodPlan> pods,
        Ipv4Prefix underlay,
        Ipv4Prefix podNetwork,
        Ipv4Prefix serviceNetwork,
        Ipv4 dnsServiceIp,
        String clusterDomain,
        int vni,
        int vxlanPort,
        int underlayMtu) {

    /** flannel's VXLAN encapsulation overhead on IPv4: outer IP 20 + UDP 8 + VXLAN 8 + inner Ethernet 14. */
    public static final int VXLAN_OVERHEAD = 50;
    public static final int METRICS_PORT = 9153;
    public static final int DNS_PORT = 53;
    /**
     * The most nodes a cluster may have: the field's pod network, 10.187.0.0/16, holds 256 flannel leases of a /24
     * (flannel's default SubnetLen), one per node.
     */
    public static final int MAX_NODES = 256;
    /** Why {@link #MAX_NODES} is the limit, for help texts. */
    public static final String MAX_NODES_WHY = "one /24 flannel lease per node in the field's 10.187.0.0/16 pod network";
    /** The limit with its reason, as a CLI option's help says it. */
    public static final String NODES_RANGE = "2 to " + MAX_NODES + " (" + MAX_NODES_WHY + ")";
    /** The field's underlay, 172.31.159.0/24, holds nodes .19 to .253 (.254 is the gateway). */
    private static final int FIELD_SUBNET_NODES = 253 - 19 + 1;

    // The field's advertised VtepMACs, in node order .19 … .23.
    private static final List<String> FIELD_VTEP_MACS = List.of(
            "ea:77:37:86:ee:bf", "f2:d2:28:8e:4c:61", "2a:f1:d4:d0:32:24", "4a:e7:02:47:20:b8", "ce:ce:f3:fc:3f:77");
    // The field's leases: .19 had 10.187.0.0/24, CoreDNS ran on .21 (10.187.1.24) and .22 (10.187.4.24).
    private static final int[] FIELD_SUBNET_INDEX = {0, 2, 1, 4, 3};
    /** The MAC node .19's flannel.1 had in the field report, which no node had advertised. */
    public static final MacAddress FIELD_DRIFTED_MAC = MacAddress.parse("b6:9b:ed:b0:37:74");

    public ClusterSpec {
        nodes = List.copyOf(nodes);
        pods = List.copyOf(pods);
        validate(nodes, pods, underlay, podNetwork, serviceNetwork, dnsServiceIp, vni, vxlanPort, underlayMtu);
    }

    /**
     * The field report's cluster with the given number of nodes (its own had 5): nodes 172.31.159.19, .20, … on the
     * field's /24. A cluster too big for that /24 (more than 235 nodes) gets the /18 around it, 172.31.128.0/18, so
     * its nodes still start at 172.31.159.19 and go on into 172.31.160.x.
     */
    public static ClusterSpec field(int nodeCount) {
        Ipv4Prefix underlay = nodeCount <= FIELD_SUBNET_NODES ? Ipv4Prefix.parse("172.31.159.0/24")
                : Ipv4Prefix.parse("172.31.128.0/18");
        int firstHost = (int) (Ipv4.parse("172.31.159.19").bits() - underlay.network().bits());
        return plan("field", nodeCount, underlay, firstHost, true,
                Ipv4Prefix.parse("10.187.0.0/16"), Ipv4Prefix.parse("10.186.0.0/16"), "cluster1.local", 1, 8472, 1500);
    }

    /**
     * A cluster on any sane address plan: nodes get consecutive underlay IPs from {@code firstHost} and consecutive
     * /24 pod subnets; node names are their IPs, as in the field. VtepMACs are random but reproducible per seed.
     */
    public static ClusterSpec plan(String profile, int nodeCount, Ipv4Prefix underlay, int firstHost, boolean fieldOrder,
            Ipv4Prefix podNetwork, Ipv4Prefix serviceNetwork, String clusterDomain, int vni, int port, int mtu) {
        if (nodeCount < 2 || nodeCount > MAX_NODES) {
            throw new IllegalArgumentException("a cluster needs 2 to " + MAX_NODES + " nodes, not " + nodeCount);
        }
        if (podNetwork.length() > 22) {
            throw new IllegalArgumentException("the pod network " + podNetwork + " is too small: give each node a /24");
        }
        if (nodeCount > 1L << (24 - podNetwork.length())) {
            throw new IllegalArgumentException("the pod network " + podNetwork + " has only "
                    + (1L << (24 - podNetwork.length())) + " /24 leases, not one for each of " + nodeCount + " nodes");
        }
        // The last host but one is the fabric's gateway; nodes end before it.
        if (firstHost < 1 || firstHost + nodeCount > underlay.size() - 2) {
            throw new IllegalArgumentException("the underlay " + underlay + " has no room for " + nodeCount
                    + " nodes from host ." + firstHost);
        }
        Random macs = new Random(podNetwork.hashCode() * 31L + nodeCount);
        Set<MacAddress> taken = new HashSet<>();
        List<NodePlan> nodes = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            Ipv4 ip = underlay.host(firstHost + i);
            int subnetIndex = fieldOrder && i < FIELD_SUBNET_INDEX.length && nodeCount >= FIELD_SUBNET_INDEX.length
                    ? FIELD_SUBNET_INDEX[i] : i;
            MacAddress mac = fieldOrder && i < FIELD_VTEP_MACS.size()
                    ? MacAddress.parse(FIELD_VTEP_MACS.get(i)) : MacAddress.randomLocal(macs);
            while (!taken.add(mac)) { // two VTEPs with one MAC would be a fault of their own
                mac = MacAddress.randomLocal(macs);
            }
            nodes.add(new NodePlan(i, ip.toString(), ip, podNetwork.subnet(24, subnetIndex), mac));
        }
        return new ClusterSpec(profile, nodes, defaultPods(nodes, podNetwork), underlay, podNetwork, serviceNetwork,
                serviceNetwork.host(2), clusterDomain, vni, port, mtu);
    }

    /**
     * One application pod per node (.2), plus CoreDNS stand-ins (.24) on the nodes where the field ran them: the
     * nodes with subnets .1 and .4 when they exist, otherwise the last nodes, never node 0 (the faulty one).
     */
    private static List<PodPlan> defaultPods(List<NodePlan> nodes, Ipv4Prefix podNetwork) {
        List<PodPlan> pods = new ArrayList<>();
        for (NodePlan node : nodes) {
            pods.add(new PodPlan(node.name(), "app", node.subnet().host(2), false));
        }
        List<NodePlan> dnsNodes = new ArrayList<>();
        for (int third : new int[] {1, 4}) {
            nodes.stream().skip(1).filter(n -> subnetIndex(podNetwork, n) == third)
                    .findFirst().ifPresent(dnsNodes::add);
        }
        for (int i = nodes.size() - 1; dnsNodes.size() < Math.min(2, nodes.size() - 1) && i > 0; i--) {
            if (!dnsNodes.contains(nodes.get(i))) {
                dnsNodes.add(nodes.get(i));
            }
        }
        for (NodePlan node : dnsNodes) {
            pods.add(new PodPlan(node.name(), "coredns", node.subnet().host(24), true));
        }
        return pods;
    }

    private static int subnetIndex(Ipv4Prefix podNetwork, NodePlan node) {
        return (node.subnet().network().bits() - podNetwork.network().bits()) >>> 8;
    }

    /** The underlay's gateway as every backend builds it: the subnet's last usable host but one (the field's .254). */
    public Ipv4 gateway() {
        return underlay.host((int) underlay.size() - 2);
    }

    public int vxlanMtu() {
        return underlayMtu - VXLAN_OVERHEAD;
    }

    public String vtepDevice() {
        return "flannel." + vni;
    }

    public List<PodPlan> dnsPods() {
        return pods.stream().filter(PodPlan::dns).toList();
    }

    public List<PodPlan> podsOn(String node) {
        return pods.stream().filter(p -> p.node().equals(node)).toList();
    }

    /** Finds a node by its name, its index ("0", "node0") or its public IP. */
    public Optional<NodePlan> findNode(String nameOrIndex) {
        String key = nameOrIndex.trim();
        String digits = key.startsWith("node") ? key.substring(4) : key;
        if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit) && digits.length() < 4) {
            int index = Integer.parseInt(digits);
            return index < nodes.size() ? Optional.of(nodes.get(index)) : Optional.empty();
        }
        return nodes.stream().filter(n -> n.name().equals(key) || n.publicIp().toString().equals(key)).findFirst();
    }

    /** Like {@link #findNode} but fails with a sentence that lists the valid names. */
    public NodePlan node(String nameOrIndex) {
        return findNode(nameOrIndex).orElseThrow(() -> new IllegalArgumentException("no node '" + nameOrIndex
                + "' in this cluster; nodes are " + nodes.stream().map(NodePlan::name).toList()
                + " (or their index 0.." + (nodes.size() - 1) + ")"));
    }

    /** The node whose pod subnet contains the address, if any. */
    public Optional<NodePlan> nodeOwning(Ipv4 ip) {
        return nodes.stream().filter(n -> n.subnet().contains(ip)).findFirst();
    }

    private static void validate(List<NodePlan> nodes, List<PodPlan> pods, Ipv4Prefix underlay, Ipv4Prefix podNetwork,
            Ipv4Prefix serviceNetwork, Ipv4 dnsServiceIp, int vni, int port, int mtu) {
        if (nodes.size() < 2) {
            throw new IllegalArgumentException("a cluster needs at least 2 nodes");
        }
        if (underlay.overlaps(podNetwork) || underlay.overlaps(serviceNetwork) || podNetwork.overlaps(serviceNetwork)) {
            throw new IllegalArgumentException("the underlay " + underlay + ", pod network " + podNetwork
                    + " and service network " + serviceNetwork + " must not overlap");
        }
        if (!serviceNetwork.contains(dnsServiceIp)) {
            throw new IllegalArgumentException("the DNS service IP " + dnsServiceIp + " is not in " + serviceNetwork);
        }
        if (vni < 1 || vni > 0xFFFFFF) {
            throw new IllegalArgumentException("a VXLAN VNI is 1..16777215, not " + vni);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("a UDP port is 1..65535, not " + port);
        }
        if (mtu < 576 + VXLAN_OVERHEAD || mtu > 9000) {
            throw new IllegalArgumentException("the underlay MTU must be " + (576 + VXLAN_OVERHEAD) + "..9000, not " + mtu);
        }
        Set<String> names = new HashSet<>();
        Set<Ipv4> ips = new HashSet<>();
        for (NodePlan node : nodes) {
            if (!names.add(node.name()) || !ips.add(node.publicIp())) {
                throw new IllegalArgumentException("node " + node.name() + " appears twice");
            }
            if (!underlay.contains(node.publicIp())) {
                throw new IllegalArgumentException("node " + node.name() + "'s IP " + node.publicIp()
                        + " is outside the underlay " + underlay);
            }
            if (!podNetwork.contains(node.subnet())) {
                throw new IllegalArgumentException("node " + node.name() + "'s subnet " + node.subnet()
                        + " is outside the pod network " + podNetwork);
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            for (int j = i + 1; j < nodes.size(); j++) {
                if (nodes.get(i).subnet().overlaps(nodes.get(j).subnet())) {
                    throw new IllegalArgumentException("nodes " + nodes.get(i).name() + " and " + nodes.get(j).name()
                            + " have overlapping subnets");
                }
            }
        }
        for (PodPlan pod : pods) {
            NodePlan node = nodes.stream().filter(n -> n.name().equals(pod.node())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("pod " + pod.name() + " is on unknown node " + pod.node()));
            if (!node.subnet().contains(pod.ip()) || pod.ip().equals(node.subnet().network())
                    || pod.ip().equals(node.subnet().host(1))) {
                throw new IllegalArgumentException("pod " + pod.label() + "'s IP " + pod.ip()
                        + " is not a free host address of " + node.subnet());
            }
        }
    }
}
