package dev.vxlab.backend.kind;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.RemotePod;
import dev.vxlab.lab.pods.MetricsServer;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import dev.vxlab.lab.spec.PodPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Builds one kind lab, each step through the real tools: {@code kind create cluster} from the rendered config, flannel
 * and the workload through {@code kubectl apply}, then waits for every node Ready and flannel.1 on every node, puts
 * the lab's client tools on the nodes, and reads back what Kubernetes really made (NodeList, pods, the kube-dns
 * Service, the kind network) into the lab's {@link ClusterSpec}. The cluster is deleted on failure, on close and,
 * through a shutdown hook armed before kind runs, when the JVM is interrupted.
 */
final class KindClusterBuilder {
    private static final Duration CREATE = Duration.ofMinutes(15);
    private static final Duration STEP = Duration.ofMinutes(2);
    private static final Duration READY = Duration.ofMinutes(6);
    /** What the lab runs on the nodes (probes, captures, the doctor's generic path) and Debian's package for it. */
    static final Map<String, String> NODE_TOOLS = Map.of("dig", "dnsutils", "tcpdump", "tcpdump", "ethtool", "ethtool",
            "curl", "curl");

    private final KindTools tools;
    private final ClusterSpec plan;
    private final LabRun run;
    private final BackendInfo info;
    private final KindOptions options;
    private final Path directory;
    private final KindCommands commands;
    private Owner owner;

    KindClusterBuilder(KindTools tools, ClusterSpec plan, LabRun run, BackendInfo info, KindOptions options) {
        this.tools = tools;
        this.plan = plan;
        this.run = run;
        this.info = info;
        this.options = options;
        this.directory = run.directory().resolve("kind");
        this.commands = new KindCommands(run.prefix(), directory.resolve("kubeconfig"));
    }

    KindCluster build() throws LabException {
        long started = System.nanoTime();
        Path config = write("kind-config.yaml", KindConfig.field(run.prefix(), plan.nodes().size()).render());
        owner = new Owner(tools, commands);
        owner.arm();
        tools.check("kind create cluster", commands.createCluster(config, options.nodeImage(), options.kindWait()), CREATE);
        double created = seconds(started);

        String flannel = FlannelManifest.of(options).render();
        write("kube-flannel.yaml", flannel);
        applyWhenApiAnswers("installing flannel", flannel);
        tools.check("placing CoreDNS on the workers", commands.patchCoreDns(WorkloadManifest.coreDnsPatch()), STEP);
        String workload = new WorkloadManifest(options.toolsImage(), MetricsServer.body()).render();
        write("workload.yaml", workload);
        tools.check("deploying the workload", commands.apply(), workload, STEP);

        List<String> order = awaitNodesReady();
        Map<String, KindNodeRemote> remotes = new LinkedHashMap<>();
        order.forEach(name -> remotes.put(name, new KindNodeRemote(name)));
        eachNode(remotes, this::awaitFlannelDevice);
        eachNode(remotes, this::installNodeTools);
        tools.check("waiting for CoreDNS", commands.waitRollout("kube-system", "deployment/coredns", "300s"), READY);
        tools.check("waiting for the workload", commands.waitRollout(WorkloadManifest.NAMESPACE,
                "daemonset/" + WorkloadManifest.APP, "300s"), READY);

        KindFlannel flannelControl = new KindFlannel(tools, commands, remotes, run.directory().resolve("nodes.json"));
        ClusterSpec real = realSpec(order, flannelControl.leases(), remotes);
        List<KindCluster.Node> nodes = new ArrayList<>();
        for (NodePlan node : real.nodes()) {
            nodes.add(new KindCluster.Node(node, remotes.get(node.name())));
        }
        List<RemotePod> pods = new ArrayList<>();
        Map<String, Map<Ipv4, String>> namespaces = new LinkedHashMap<>();
        for (PodPlan pod : real.pods()) {
            Map<Ipv4, String> byIp = namespaces.computeIfAbsent(pod.node(), n -> podNamespaces(remotes.get(n)));
            String ns = byIp.get(pod.ip());
            if (ns == null) {
                throw new LabException("pod " + pod.label() + " (" + pod.ip() + ") has no network namespace on node "
                        + pod.node());
            }
            nameHostVeth(remotes.get(pod.node()), ns, pod);
            pods.add(new RemotePod(pod, remotes.get(pod.node()).inNamespace(pod.label(), ns)));
        }
        String arch = remotes.get(order.getFirst()).run("uname", "-m").stdout().strip();
        BackendInfo actual = new BackendInfo(info.name(), info.capabilities(), arch.isEmpty() ? info.architecture() : arch);
        System.err.printf("kind: cluster %s with %d nodes created in %.1f s, flannel and workload ready in %.1f s "
                + "(kubeconfig %s)%n", run.prefix(), nodes.size(), created, seconds(started), commands.kubeconfig());
        return new KindCluster(real, run, actual, nodes, pods, flannelControl, owner);
    }

    /**
     * kubectl apply, retried for a minute: with {@code --wait 0s} kind returns as soon as kubeadm is done, and the API
     * server may still refuse a moment (connection refused, or RBAC not yet bootstrapped).
     */
    private void applyWhenApiAnswers(String what, String manifest) throws LabException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            try {
                tools.check(what, commands.apply(), manifest, STEP);
                return;
            } catch (LabException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                pause(Duration.ofSeconds(2));
            }
        }
    }

    /** Every node Ready (which needs flannel's CNI config); the node names in kind's order. */
    private List<String> awaitNodesReady() throws LabException {
        long deadline = System.nanoTime() + READY.toNanos();
        while (true) {
            String json = tools.check("reading the nodes", commands.nodesJson(), STEP);
            Map<String, Boolean> ready = KubeOutput.nodesReady(json);
            if (ready.size() == plan.nodes().size() && !ready.containsValue(false)) {
                return KubeOutput.nodeOrder(json);
            }
            if (System.nanoTime() > deadline) {
                throw new LabException("nodes not Ready after " + READY.toMinutes() + " minutes: " + ready
                        + " (see kubectl --kubeconfig " + commands.kubeconfig() + " -n kube-flannel get pods)");
            }
            pause(Duration.ofSeconds(2));
        }
    }

    private void awaitFlannelDevice(KindNodeRemote node) throws LabException {
        long deadline = System.nanoTime() + READY.toNanos();
        while (!node.run("ip", "-j", "link", "show", "flannel.1").ok()) {
            if (System.nanoTime() > deadline) {
                throw new LabException("flanneld made no flannel.1 on node " + node.name() + " within "
                        + READY.toMinutes() + " minutes");
            }
            pause(Duration.ofSeconds(1));
        }
    }

    /** kind's node image is minimal: the probes' and captures' clients come from Debian's archive when missing. */
    private void installNodeTools(KindNodeRemote node) throws LabException {
        CommandResult which = node.run("sh", "-c", missingToolsScript());
        List<String> packages = which.stdout().lines().map(String::strip).filter(NODE_TOOLS::containsKey)
                .map(NODE_TOOLS::get).distinct().sorted().toList();
        if (packages.isEmpty()) {
            return;
        }
        List<String> install = new ArrayList<>(List.of("sh", "-c",
                "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \"$@\"",
                "sh"));
        install.addAll(packages);
        CommandResult result = node.run(install, Duration.ofMinutes(5));
        if (!result.ok()) {
            throw new LabException("cannot install " + packages + " on node " + node.name() + " (the nodes need "
                    + "Debian's archive or an image that has them): " + KindTools.lastLine(result.stderr()));
        }
    }

    static String missingToolsScript() {
        return "for p in " + String.join(" ", NODE_TOOLS.keySet().stream().sorted().toList())
                + "; do command -v \"$p\" >/dev/null 2>&1 || echo \"$p\"; done";
    }

    /** The pods' network namespaces on a node (containerd's CNI netns), by the IPv4 address of their eth0. */
    private static Map<Ipv4, String> podNamespaces(KindNodeRemote node) {
        CommandResult result = node.run("sh", "-c", NETNS_SCRIPT);
        return KubeOutput.netnsByIp(result.stdout());
    }

    /**
     * Gives the pod's node-side veth the lab's name for it ({@link PodPlan#hostVeth()}, what the dataplane model and
     * the bridge-port faults use). The bridge plugin names it at random; a link is renamed only while down, so it is
     * taken down for that moment, before any probe runs. It stays on cni0, and CNI's DEL removes the pair from the
     * pod's side, by the pod's interface name, so the pod's teardown is unchanged.
     */
    private static void nameHostVeth(KindNodeRemote node, String namespace, PodPlan pod) throws LabException {
        CommandResult inPod = node.run("ip", "-n", namespace, "-o", "link", "show", "eth0");
        int peer = KubeOutput.peerIndex(inPod.stdout()).orElseThrow(() -> new LabException("pod " + pod.label()
                + "'s eth0 is not a veth (" + KindTools.firstLine(inPod.stdout() + inPod.stderr()) + ")"));
        CommandResult links = node.run("ip", "-o", "link", "show");
        String current = KubeOutput.linkName(links.stdout(), peer).orElseThrow(() -> new LabException("pod "
                + pod.label() + "'s veth peer (ifindex " + peer + ") is not on node " + node.name()));
        if (current.equals(pod.hostVeth())) {
            return;
        }
        for (List<String> step : List.of(List.of("ip", "link", "set", "dev", current, "down"),
                List.of("ip", "link", "set", "dev", current, "name", pod.hostVeth()),
                List.of("ip", "link", "set", "dev", pod.hostVeth(), "up"))) {
            CommandResult result = node.run(step);
            if (!result.ok()) {
                throw new LabException("cannot name pod " + pod.label() + "'s veth " + pod.hostVeth() + " on node "
                        + node.name() + " (" + result.commandLine() + "): " + KindTools.firstLine(result.stderr()));
            }
        }
    }

    static final String NETNS_SCRIPT = "for ns in $(ip netns list | cut -d' ' -f1); do "
            + "ip -n \"$ns\" -4 -o addr show | while read -r _ dev _ cidr _; do "
            + "[ \"$dev\" = lo ] || echo \"${cidr%/*} $ns\"; done; done";

    /** The cluster as Kubernetes made it: the NodeList's leases and addresses, the pods' IPs, the kind network. */
    private ClusterSpec realSpec(List<String> order, List<AdvertisedNode> leases, Map<String, KindNodeRemote> remotes)
            throws LabException {
        List<NodePlan> nodes = new ArrayList<>();
        for (String name : order) {
            AdvertisedNode lease = leases.stream().filter(l -> l.name().equals(name)).findFirst()
                    .orElseThrow(() -> new LabException("flannel published no lease for node " + name));
            nodes.add(new NodePlan(nodes.size(), name, lease.publicIp(), lease.podCidr(), lease.vtepMac()));
        }
        List<PodPlan> pods = new ArrayList<>();
        pods.addAll(podPlans(KubeOutput.pods(tools.check("listing the workload's pods",
                commands.podsJson(WorkloadManifest.NAMESPACE), STEP)), "app", order, false));
        pods.addAll(podPlans(KubeOutput.pods(tools.check("listing CoreDNS's pods",
                commands.podsJson("kube-system"), STEP)).stream()
                .filter(p -> "kube-dns".equals(p.labels().get("k8s-app"))).toList(), "coredns", order, true));
        String network = System.getenv().getOrDefault("KIND_EXPERIMENTAL_DOCKER_NETWORK", "kind");
        Ipv4Prefix underlay = KubeOutput.ipv4Subnet(tools.check("reading the kind network",
                KindCommands.networkSubnets(network), STEP), network);
        int mtu = KubeOutput.link(tools.check("reading eth0", KindCommands.exec(order.getFirst(),
                List.of("ip", "-j", "link", "show", "eth0"), false, Map.of()), STEP)).mtu();
        Ipv4 dns = KubeOutput.clusterIp(tools.check("reading the kube-dns Service", commands.dnsService(), STEP));
        try {
            return new ClusterSpec("kind", nodes, pods, underlay, Ipv4Prefix.parse(KindConfig.POD_SUBNET),
                    Ipv4Prefix.parse(KindConfig.SERVICE_SUBNET), dns, KindConfig.DOMAIN, 1, 8472, mtu);
        } catch (IllegalArgumentException e) {
            throw new LabException("the kind cluster does not fit the lab's model: " + e.getMessage(), e);
        }
    }

    /** Serving pods as the lab's PodPlans: the short name, numbered when a node runs two. */
    static List<PodPlan> podPlans(List<KubeOutput.PodInfo> pods, String name, List<String> nodes, boolean dns) {
        List<PodPlan> plans = new ArrayList<>();
        for (String node : nodes) {
            List<KubeOutput.PodInfo> here = pods.stream().filter(p -> p.node().equals(node) && p.serving()).sorted(java.util.Comparator.comparing(KubeOutput.PodInfo::name))
                    .toList();
            for (int i = 0; i < here.size(); i++) {
                plans.add(new PodPlan(node, i == 0 ? name : name + (i + 1), here.get(i).ip().orElseThrow(), dns));
            }
        }
        return plans;
    }

    private Path write(String name, String content) throws LabException {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(name);
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new LabException("cannot write " + name + " in " + directory + ": " + e.getMessage(), e);
        }
    }

    private interface NodeStep {
        void apply(KindNodeRemote node) throws LabException;
    }

    /** One step on every node at once (each is a container of its own); the first failure is thrown. */
    private static void eachNode(Map<String, KindNodeRemote> nodes, NodeStep step) throws LabException {
        List<Future<Void>> futures = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (KindNodeRemote node : nodes.values()) {
                futures.add(threads.submit(() -> {
                    step.apply(node);
                    return null;
                }));
            }
        }
        for (Future<Void> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof LabException lab ? lab
                        : new LabException("building the kind cluster failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while building the kind cluster", e);
            }
        }
    }

    void removeEverything() {
        if (owner != null) {
            owner.delete();
        }
    }

    static void pause(Duration duration) throws LabException {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while waiting for the kind cluster", e);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /**
     * Who deletes the kind cluster: once, from close, a failed build, or the shutdown hook armed before
     * {@code kind create} (an interrupted run leaves no cluster; SIGKILL cannot be caught: {@code vxlab}'s
     * {@code delete(prefix)} or {@code kind delete cluster --name PREFIX} removes what it leaves).
     */
    static final class Owner {
        private final KindTools tools;
        private final KindCommands commands;
        private final Thread hook;
        private boolean deleted;

        Owner(KindTools tools, KindCommands commands) {
            this.tools = tools;
            this.commands = commands;
            this.hook = new Thread(this::deleteNow, "kind-delete-" + commands.cluster());
        }

        void arm() {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        void delete() {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (or ran) deleteNow itself
            }
            deleteNow();
        }

        private synchronized void deleteNow() {
            if (deleted) {
                return;
            }
            deleted = true;
            CommandResult result = tools.run(commands.deleteCluster(), Duration.ofMinutes(3));
            if (!result.ok()) {
                System.err.println("kind: could not delete cluster " + commands.cluster() + ": "
                        + KindTools.lastLine(result.stderr()) + " (run: kind delete cluster --name "
                        + commands.cluster() + ")");
            }
        }
    }
}
