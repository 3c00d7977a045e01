package dev.vxlab.lab.backend.netns;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.NamespaceRemote;
import dev.vxlab.lab.flannel.FlannelEmulation;
import dev.vxlab.lab.flannel.FlannelFiles;
import dev.vxlab.lab.flannel.LeaseRegistry;
import dev.vxlab.detectors.remote.CommandFailedException;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.ProcessRunner;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import dev.vxlab.lab.spec.PodPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds one netns cluster step by step, remembering every namespace so a failure can remove them all. */
final class NetnsClusterBuilder {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final ClusterSpec spec;
    private final LabRun run;
    private final BackendInfo info;
    private final NetnsNames names;
    private final LabOptions options;
    private final List<String> namespaces = new ArrayList<>();

    NetnsClusterBuilder(ClusterSpec spec, LabRun run, BackendInfo info, LabOptions options) {
        this.options = options;
        this.spec = spec;
        this.run = run;
        this.info = info;
        this.names = new NetnsNames(run.prefix());
    }

    NetnsCluster build() throws LabException {
        buildFabric();
        Map<String, NamespaceRemote> nodeShells = new LinkedHashMap<>();
        for (NodePlan node : spec.nodes()) {
            nodeShells.put(node.name(), buildNode(node));
        }
        LeaseRegistry registry = new LeaseRegistry(run.directory(), new FlannelFiles(spec));
        FlannelEmulation flannel = new FlannelEmulation(spec, Map.<String, dev.vxlab.detectors.remote.Remote>copyOf(nodeShells), registry);
        flannel.start();

        List<NetnsCluster.Pod> pods = new ArrayList<>();
        for (PodPlan pod : spec.pods()) {
            NodePlan node = spec.node(pod.node());
            pods.add(buildPod(node, pod, nodeShells.get(node.name())));
        }
        for (NodePlan node : spec.nodes()) {
            installServiceProxy(nodeShells.get(node.name()));
        }
        boolean fastPath = options.fastPath();
        List<NetnsCluster.Node> nodes = spec.nodes().stream()
                .map(n -> new NetnsCluster.Node(n, nodeShells.get(n.name()), fastPath)).toList();
        return new NetnsCluster(spec, run, info, names, nodes, pods, flannel, namespaces);
    }

    /** The underlay: one bridge in the fabric namespace; the gateway address lives on it. */
    private void buildFabric() throws LabException {
        String fabric = addNamespace(names.fabric());
        NamespaceRemote shell = names.fabricRemote(run);
        sysctl(shell, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        check(shell, List.of(
                List.of("ip", "link", "set", "dev", "lo", "up"),
                List.of("ip", "link", "add", names.fabricBridge(), "type", "bridge"),
                List.of("ip", "link", "set", "dev", names.fabricBridge(), "mtu", Integer.toString(spec.underlayMtu())),
                List.of("ip", "addr", "add", gateway() + "/" + spec.underlay().length(), "dev", names.fabricBridge()),
                List.of("ip", "link", "set", "dev", names.fabricBridge(), "up")));
    }

    private NamespaceRemote buildNode(NodePlan node) throws LabException {
        String ns = addNamespace(names.node(node));
        NamespaceRemote shell = names.nodeRemote(run, node);
        sysctl(shell, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1",
                "net.ipv4.ip_forward=1");
        NamespaceRemote fabric = names.fabricRemote(run);
        String port = names.fabricPort(node);
        check(fabric, List.of(
                // Both ends get the underlay's MTU: a veth peer does not inherit it (eth0 would stay at 1500).
                List.of("ip", "link", "add", port, "mtu", Integer.toString(spec.underlayMtu()), "type", "veth",
                        "peer", "name", "eth0", "mtu", Integer.toString(spec.underlayMtu()), "netns", ns),
                List.of("ip", "link", "set", "dev", port, "master", names.fabricBridge()),
                List.of("ip", "link", "set", "dev", port, "up")));
        wireLike(fabric, port);
        wireLike(shell, "eth0");
        check(shell, List.of(
                List.of("ip", "link", "set", "dev", "lo", "up"),
                List.of("ip", "addr", "add", node.publicIp() + "/" + spec.underlay().length(), "dev", "eth0"),
                List.of("ip", "link", "set", "dev", "eth0", "up"),
                List.of("ip", "route", "add", "default", "via", gateway().toString(), "dev", "eth0")));
        return shell;
    }

    /** What the CNI bridge plugin does for a pod: a veth on cni0, the pod's address and default route. */
    private NetnsCluster.Pod buildPod(NodePlan node, PodPlan pod, Remote nodeShell) throws LabException {
        String ns = addNamespace(names.pod(node, pod));
        NamespaceRemote shell = names.podRemote(run, node, pod);
        sysctl(shell, "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        String mtu = Integer.toString(spec.vxlanMtu());
        check(nodeShell, List.of(
                List.of("ip", "link", "add", pod.hostVeth(), "mtu", mtu, "type", "veth", "peer", "name", "eth0",
                        "netns", ns),
                List.of("ip", "link", "set", "dev", pod.hostVeth(), "master", "cni0"),
                List.of("ip", "link", "set", "dev", pod.hostVeth(), "up")));
        check(shell, List.of(
                List.of("ip", "link", "set", "dev", "lo", "up"),
                List.of("ip", "addr", "add", pod.ip() + "/" + node.subnet().length(), "dev", "eth0"),
                List.of("ip", "link", "set", "dev", "eth0", "up"),
                List.of("ip", "route", "add", "default", "via", node.bridgeAddress().address().toString(), "dev",
                        "eth0")));
        return new NetnsCluster.Pod(pod, shell, options.fastPath());
    }

    /**
     * kube-proxy's part for the cluster DNS Service: DNAT of the ClusterIP to the CoreDNS pods (for traffic from pods
     * and from the node itself), and masquerade of node-originated service traffic, so replies come back through
     * flannel.1 as they do on a real node.
     */
    private void installServiceProxy(Remote shell) throws LabException {
        List<PodPlan> dns = spec.dnsPods();
        if (dns.isEmpty()) {
            return;
        }
        StringBuilder map = new StringBuilder();
        for (int i = 0; i < dns.size(); i++) {
            map.append(i == 0 ? "" : ", ").append(i).append(" : ").append(dns.get(i).ip());
        }
        String match = "ip daddr " + spec.dnsServiceIp() + " meta l4proto { tcp, udp } th dport { 53, 9153 } "
                + "dnat to numgen inc mod " + dns.size() + " map { " + map + " }";
        String rules = """
                table ip vxlab-services {
                  chain prerouting { type nat hook prerouting priority dstnat; policy accept; %s; }
                  chain output { type nat hook output priority -100; policy accept; %s; }
                  chain postrouting { type nat hook postrouting priority srcnat; policy accept; ct status dnat ip saddr != %s masquerade; }
                }
                """.formatted(match, match, spec.podNetwork());
        CommandResult result = shell.run(Command.of("nft", "-f", "-").withStdin(rules).withTimeout(TIMEOUT));
        if (!result.ok()) {
            throw new LabException(result.exitCode() == 127 || result.stderr().contains("No such file")
                    ? "'nft' (nftables) is missing; install it with: apt-get install nftables"
                    : "cannot install the DNS Service rules on node " + shell.name() + ": " + result.stderr().strip());
        }
    }

    /**
     * Makes a veth end behave like a physical NIC on a wire: no segmentation offloads, so frames are cut to the
     * sender's MTU and a receiver with a smaller MTU drops what does not fit (a veth passes GSO super-packets of any
     * size otherwise, which would hide every MTU fault).
     */
    private static void wireLike(NamespaceRemote shell, String device) throws LabException {
        CommandResult result = shell.run("ethtool", "-K", device, "tso", "off", "gso", "off",
                "tx-udp_tnl-segmentation", "off", "tx-udp_tnl-csum-segmentation", "off");
        if (!result.ok()) {
            throw new LabException(result.stderr().contains("ethtool")  && result.stderr().contains("No such file")
                    ? "'ethtool' is missing; install it with: apt-get install ethtool"
                    : "cannot turn off segmentation offloads on " + device + " of " + shell.name() + ": "
                            + result.stderr().strip());
        }
    }

    private dev.vxlab.detectors.addr.Ipv4 gateway() {
        return spec.underlay().host((int) spec.underlay().size() - 2);
    }

    private String addNamespace(String name) throws LabException {
        CommandResult result = ProcessRunner.run(List.of("ip", "netns", "add", name), TIMEOUT);
        if (!result.ok()) {
            throw new LabException("cannot create network namespace " + name + ": " + result.stderr().strip());
        }
        namespaces.add(name);
        return name;
    }

    private static void sysctl(Remote shell, String... settings) throws LabException {
        List<String> argv = new ArrayList<>(List.of("sysctl", "-qw"));
        argv.addAll(List.of(settings));
        check(shell, List.of(argv));
    }

    private static void check(Remote shell, List<List<String>> commands) throws LabException {
        try {
            shell.runAll(commands);
        } catch (CommandFailedException e) {
            throw new LabException("building node " + shell.name() + " failed: " + e.getMessage(), e);
        }
    }

    /** Deletes every namespace made so far, pods first (their veths vanish with them). */
    void removeEverything() {
        NetnsCluster.deleteNamespaces(namespaces);
    }
}
