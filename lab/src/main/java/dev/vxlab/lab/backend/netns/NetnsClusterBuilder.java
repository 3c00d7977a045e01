package dev.vxlab.lab.backend.netns;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.Parallel;
import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.NamespaceRemote;
import dev.vxlab.lab.flannel.FlannelEmulation;
import dev.vxlab.lab.flannel.FlannelFiles;
import dev.vxlab.lab.flannel.LeaseRegistry;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds one netns cluster step by step, remembering every namespace so a failure can remove them all. Each step costs
 * processes, and processes are what a build spends its time on: all namespaces come from one {@code ip -batch}, the
 * whole fabric from another, sysctls are written from this JVM, and every node or pod is then programmed with one
 * batch per step, the nodes in parallel ({@link Parallel}).
 */
final class NetnsClusterBuilder {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern FAILED_LINE = Pattern.compile("Command failed -:(\\d+)");
    private static final Map<String, String> NO_IPV6 = orderedMap(
            "net.ipv6.conf.all.disable_ipv6", "1", "net.ipv6.conf.default.disable_ipv6", "1");

    private final ClusterSpec spec;
    private final LabRun run;
    private final BackendInfo info;
    private final NetnsNames names;
    private final LabOptions options;
    private final List<String> namespaces = new CopyOnWriteArrayList<>();
    private final List<BuildPhase> phases = new ArrayList<>();

    NetnsClusterBuilder(ClusterSpec spec, LabRun run, BackendInfo info, LabOptions options) {
        this.options = options;
        this.spec = spec;
        this.run = run;
        this.info = info;
        this.names = new NetnsNames(run.prefix());
    }

    NetnsCluster build() throws LabException {
        Map<String, NamespaceRemote> nodeShells = new LinkedHashMap<>();
        for (NodePlan node : spec.nodes()) {
            nodeShells.put(node.name(), names.nodeRemote(run, node));
        }
        phase("namespaces", this::addNamespaces);
        phase("sysctls", this::writeSysctls);
        phase("fabric", this::buildFabric);
        LeaseRegistry registry = new LeaseRegistry(run.directory(), new FlannelFiles(spec));
        FlannelEmulation flannel = new FlannelEmulation(spec, Map.<String, Remote>copyOf(nodeShells), registry);
        // One batch per node for its uplink, flannel's devices and its pods' veths; then flannel's peer entries.
        phase("nodes and flannel", () -> flannel.start(this::uplink, this::podVeths));
        phase("pods", () -> Parallel.forEach(spec.pods(), this::buildPod));
        phase("offloads and services", () -> Parallel.forEach(spec.nodes(),
                node -> finishNode(nodeShells.get(node.name()))));
        boolean fastPath = options.fastPath();
        List<NetnsCluster.Node> nodes = spec.nodes().stream()
                .map(n -> new NetnsCluster.Node(n, nodeShells.get(n.name()), fastPath)).toList();
        List<NetnsCluster.Pod> pods = spec.pods().stream()
                .map(p -> new NetnsCluster.Pod(p, names.podRemote(run, spec.node(p.node()), p), fastPath)).toList();
        return new NetnsCluster(spec, run, info, names, nodes, pods, flannel, namespaces, phases);
    }

    private static Map<String, String> orderedMap(String k1, String v1, String k2, String v2) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return java.util.Collections.unmodifiableMap(map);
    }

    private interface Phase {
        void run() throws LabException;
    }

    private void phase(String name, Phase phase) throws LabException {
        long started = System.nanoTime();
        phase.run();
        phases.add(new BuildPhase(name, Duration.ofNanos(System.nanoTime() - started)));
    }

    /**
     * Every namespace of the run from one {@code ip -batch} of {@code netns add} lines (one process instead of one per
     * namespace). A batch stops at its first failing line ("Command failed -:N"), so the lines before it are the
     * namespaces made; a name that already existed is not ours and is never removed.
     */
    private void addNamespaces() throws LabException {
        List<String> all = new ArrayList<>();
        all.add(names.fabric());
        for (NodePlan node : spec.nodes()) {
            all.add(names.node(node));
        }
        for (PodPlan pod : spec.pods()) {
            all.add(names.pod(spec.node(pod.node()), pod));
        }
        StringBuilder script = new StringBuilder();
        for (String ns : all) {
            script.append("netns add ").append(ns).append('\n');
        }
        CommandResult result = ProcessRunner.run(List.of("ip", "-batch", "-"), script.toString(), BATCH_TIMEOUT);
        if (result.ok()) {
            namespaces.addAll(all);
            return;
        }
        Matcher failed = FAILED_LINE.matcher(result.stderr());
        int made = failed.find() ? Math.min(Integer.parseInt(failed.group(1)) - 1, all.size()) : all.size();
        namespaces.addAll(all.subList(0, made)); // without a line number, remove them all rather than leak any
        throw new LabException("cannot create network namespace " + (made < all.size() ? all.get(made) + ": " : "")
                + result.stderr().lines().findFirst().orElse("").strip());
    }

    /** No IPv6 anywhere (no router solicitations or MLD reports in captures); nodes forward. Before any device exists. */
    private void writeSysctls() throws LabException {
        Map<String, String> forwarding = new LinkedHashMap<>(NO_IPV6);
        forwarding.put("net.ipv4.ip_forward", "1");
        Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        settings.put(names.fabric(), NO_IPV6);
        for (NodePlan node : spec.nodes()) {
            settings.put(names.node(node), forwarding);
        }
        for (PodPlan pod : spec.pods()) {
            settings.put(names.pod(spec.node(pod.node()), pod), NO_IPV6);
        }
        Parallel.forEach(List.copyOf(settings.entrySet()), e -> NamespaceSysctls.write(e.getKey(), e.getValue()));
    }

    /**
     * The underlay, as one batch in the fabric namespace: a bridge holding the gateway address, and for every node a
     * veth whose far end is the node's eth0.
     */
    private void buildFabric() throws LabException {
        String mtu = Integer.toString(spec.underlayMtu());
        List<List<String>> commands = new ArrayList<>(List.of(
                List.of("ip", "link", "set", "dev", "lo", "up"),
                List.of("ip", "link", "add", names.fabricBridge(), "type", "bridge"),
                List.of("ip", "link", "set", "dev", names.fabricBridge(), "mtu", mtu),
                List.of("ip", "addr", "add", spec.gateway() + "/" + spec.underlay().length(), "dev",
                        names.fabricBridge()),
                List.of("ip", "link", "set", "dev", names.fabricBridge(), "up")));
        for (NodePlan node : spec.nodes()) {
            String port = names.fabricPort(node);
            commands.addAll(List.of(
                    // Both ends get the underlay's MTU: a veth peer does not inherit it (eth0 would stay at 1500).
                    List.of("ip", "link", "add", port, "mtu", mtu, "type", "veth",
                            "peer", "name", "eth0", "mtu", mtu, "netns", names.node(node)),
                    List.of("ip", "link", "set", "dev", port, "master", names.fabricBridge()),
                    List.of("ip", "link", "set", "dev", port, "up")));
        }
        Parallel.check(names.fabricRemote(run), commands);
    }

    /** A node's underlay side: its address and default route on eth0 (which the fabric batch made). */
    private List<List<String>> uplink(NodePlan node) {
        return List.of(
                List.of("ip", "link", "set", "dev", "lo", "up"),
                List.of("ip", "addr", "add", node.publicIp() + "/" + spec.underlay().length(), "dev", "eth0"),
                List.of("ip", "link", "set", "dev", "eth0", "up"),
                List.of("ip", "route", "add", "default", "via", spec.gateway().toString(), "dev", "eth0"));
    }

    /**
     * What the CNI bridge plugin does on the node for each of its pods: a veth on cni0, the far end the pod's eth0, both
     * ends at flannel's MTU (a pod at 1500 would send what flannel.1 cannot carry and lean on path-MTU discovery).
     */
    private List<List<String>> podVeths(NodePlan node) {
        String mtu = Integer.toString(spec.vxlanMtu());
        List<List<String>> commands = new ArrayList<>();
        for (PodPlan pod : spec.podsOn(node.name())) {
            commands.addAll(List.of(
                    List.of("ip", "link", "add", pod.hostVeth(), "mtu", mtu, "type", "veth", "peer", "name", "eth0",
                            "mtu", mtu, "netns", names.pod(node, pod)),
                    List.of("ip", "link", "set", "dev", pod.hostVeth(), "master", "cni0"),
                    List.of("ip", "link", "set", "dev", pod.hostVeth(), "up")));
        }
        return commands;
    }

    /** The pod's side: its address and default route through cni0, in one batch. */
    private void buildPod(PodPlan pod) throws LabException {
        NodePlan node = spec.node(pod.node());
        Parallel.check(names.podRemote(run, node, pod), List.of(
                List.of("ip", "link", "set", "dev", "lo", "up"),
                List.of("ip", "addr", "add", pod.ip() + "/" + node.subnet().length(), "dev", "eth0"),
                List.of("ip", "link", "set", "dev", "eth0", "up"),
                List.of("ip", "route", "add", "default", "via", node.bridgeAddress().address().toString(), "dev",
                        "eth0")));
    }

    /**
     * The node's last step, one round trip through its remote: eth0 made to behave like a NIC on a wire (ethtool), then
     * kube-proxy's part for the cluster DNS Service (nft): DNAT of the ClusterIP to the CoreDNS pods (for traffic from
     * pods and from the node itself), and masquerade of node-originated service traffic, so replies come back through
     * flannel.1 as they do on a real node.
     *
     * <p>eth0 loses its segmentation offloads so that frames are cut to the sender's MTU and a receiver with a smaller
     * MTU drops what does not fit (a veth passes GSO super-packets of any size otherwise, which would hide every MTU
     * fault). Only the node's end needs it: the fabric's ends are bridge ports that forward the frames the nodes cut
     * and send none of their own, so their offloads never come into play.
     */
    private void finishNode(Remote shell) throws LabException {
        String script = "ethtool -K eth0 tso off gso off tx-udp_tnl-segmentation off tx-udp_tnl-csum-segmentation off";
        String rules = dev.vxlab.lab.backend.ServiceProxy.rules(spec).orElse(null);
        if (rules != null) {
            script += " && exec nft -f -";
        }
        CommandResult result = shell.run(Command.of("sh", "-c", script).withStdin(rules).withTimeout(TIMEOUT));
        if (!result.ok()) {
            String err = result.stderr().strip();
            boolean missing = result.exitCode() == 127 || err.contains("not found") || err.contains("No such file");
            if (missing && err.contains("ethtool")) {
                throw new LabException("'ethtool' is missing; install it with: apt-get install ethtool");
            }
            if (missing && err.contains("nft")) {
                throw new LabException("'nft' (nftables) is missing; install it with: apt-get install nftables");
            }
            // nft's messages carry "Error:"; ethtool's do not (Cannot ..., Could not change any device features).
            throw new LabException((err.contains("Error:") ? "cannot install the DNS Service rules on node "
                    : "cannot turn off segmentation offloads on eth0 of ") + shell.name() + ": " + err);
        }
    }


    /** Deletes every namespace made so far (or meant to be, when their batch failed halfway), pods first. */
    void removeEverything() {
        NetnsCluster.deleteNamespaces(namespaces);
    }
}
