package dev.vxlab.backend.containers;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandFailedException;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.flannel.FlannelEmulation;
import dev.vxlab.lab.flannel.FlannelFiles;
import dev.vxlab.lab.flannel.LeaseRegistry;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import dev.vxlab.lab.spec.PodPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Builds one containers cluster: the run's reaper first, the underlay (a user-defined bridge network with the field's
 * subnet, gateway and MTU), one privileged node container per node at its field address, then each node programmed
 * through docker exec as the netns backend programs a namespace (sysctls, offloads, flannel by
 * {@link FlannelEmulation}, pods as network namespaces on cni0, kube-proxy's DNS Service rules). It remembers what
 * it made so a failure, or the cluster's close, removes it all.
 */
final class ContainersClusterBuilder {
    private static final Duration STEP = Duration.ofSeconds(60);

    private final ClusterSpec spec;
    private final LabRun run;
    private final BackendInfo info;
    private final DockerEngine engine;
    private final ContainersNames names;
    private final List<String> containers = new CopyOnWriteArrayList<>();
    private Reaper reaper;
    private String network;

    ContainersClusterBuilder(ClusterSpec spec, LabRun run, BackendInfo info, DockerEngine engine) {
        this.spec = spec;
        this.run = run;
        this.info = info;
        this.engine = engine;
        this.names = new ContainersNames(run.prefix());
    }

    ContainersCluster build() throws LabException {
        long started = System.nanoTime();
        reaper = Reaper.start(engine, names);
        createNetwork();
        List<ContainersCluster.Node> nodes = inParallel(spec.nodes(), this::startNode);
        double up = (System.nanoTime() - started) / 1e9;
        inParallel(nodes, node -> {
            buildNode(node.plan(), node.remote());
            return node;
        });
        Map<String, Remote> remotes = new LinkedHashMap<>();
        nodes.forEach(n -> remotes.put(n.plan().name(), n.remote()));
        LeaseRegistry registry = new LeaseRegistry(run.directory(), new FlannelFiles(spec));
        FlannelEmulation flannel = new FlannelEmulation(spec, Map.copyOf(remotes), registry);
        flannel.start();
        List<ContainersCluster.Pod> pods = new ArrayList<>();
        for (PodPlan pod : spec.pods()) {
            pods.add(new ContainersCluster.Pod(pod, new PodRemote(pod.label(), namespace(pod),
                    remotes.get(spec.node(pod.node()).name()))));
        }
        inParallel(nodes, node -> {
            buildPods(node.plan(), node.remote());
            installServiceProxy(node.remote());
            return node;
        });
        System.err.printf("containers: %d node containers up in %.1f s, cluster built in %.1f s (engine %s)%n",
                nodes.size(), up, (System.nanoTime() - started) / 1e9, engine.host());
        return new ContainersCluster(spec, run, info, nodes, pods, flannel, this);
    }

    /** The pod's network namespace inside its node container (its name; the container is the node). */
    static String namespace(PodPlan pod) {
        return pod.name();
    }

    /** The underlay's gateway: the subnet's last usable host, as on the other backends (the field's .254). */
    Ipv4 gateway() {
        return spec.underlay().host((int) spec.underlay().size() - 2);
    }

    private void createNetwork() throws LabException {
        try {
            network = engine.client().createNetworkCmd().withName(names.network()).withDriver("bridge")
                    .withLabels(Map.of(ContainersNames.RUN_LABEL, names.prefix()))
                    .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config()
                            .withSubnet(spec.underlay().toString()).withGateway(gateway().toString())))
                    .withOptions(Map.of("com.docker.network.bridge.name", names.bridge(),
                            "com.docker.network.driver.mtu", Integer.toString(spec.underlayMtu()),
                            "com.docker.network.bridge.enable_ip_masquerade", "false"))
                    .exec().getId();
        } catch (DockerException e) {
            throw new LabException("cannot create the underlay network " + names.network() + " (" + spec.underlay()
                    + "): " + e.getMessage(), e);
        }
    }

    /** One privileged node container (like a kind node) at the node's field address on the underlay. */
    private ContainersCluster.Node startNode(NodePlan node) throws LabException {
        String name = names.container(node);
        try {
            CreateContainerCmd create = engine.client().createContainerCmd(NodeImage.tag()).withName(name)
                    .withHostName(node.name())
                    .withLabels(Map.of(ContainersNames.RUN_LABEL, names.prefix(), ContainersNames.NODE_LABEL,
                            node.name()))
                    .withCmd("sleep", "infinity")
                    .withHostConfig(HostConfig.newHostConfig().withPrivileged(true).withNetworkMode(names.network()))
                    .withIpv4Address(node.publicIp().toString());
            String id = create.exec().getId();
            containers.add(id);
            engine.client().startContainerCmd(id).exec();
            return new ContainersCluster.Node(node, new ContainerRemote(node.name(), id, engine), name);
        } catch (DockerException e) {
            throw new LabException("cannot start node container " + name + ": " + e.getMessage(), e);
        }
    }

    /** What a node needs before flannel: sysctls, lo, eth0 at the underlay's MTU without segmentation offloads. */
    private void buildNode(NodePlan node, Remote shell) throws LabException {
        CommandResult sysctl = shell.run("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1", "net.ipv4.ip_forward=1",
                // as kubeadm requires: a pod's request DNATed to a CoreDNS pod on the same cni0 is bridged back
                "net.bridge.bridge-nf-call-iptables=1");
        if (!sysctl.ok()) {
            throw new LabException("cannot set node " + node.name() + "'s sysctls: " + sysctl.stderr().strip());
        }
        check(shell, List.of(List.of("ip", "link", "set", "dev", "lo", "up"),
                List.of("ip", "link", "set", "dev", "eth0", "mtu", Integer.toString(spec.underlayMtu()), "up")));
        // Like a NIC on a wire: frames are cut to the sender's MTU, so MTU faults show (see NetnsClusterBuilder).
        CommandResult offloads = shell.run("ethtool", "-K", "eth0", "tso", "off", "gso", "off");
        if (!offloads.ok()) {
            throw new LabException("cannot turn off segmentation offloads on node " + node.name() + "'s eth0: "
                    + offloads.stderr().strip());
        }
    }

    /** What the CNI bridge plugin does for each pod of a node: a namespace, a veth on cni0, address and route. */
    private void buildPods(NodePlan node, Remote shell) throws LabException {
        String mtu = Integer.toString(spec.vxlanMtu());
        StringBuilder script = new StringBuilder("set -e\n");
        for (PodPlan pod : spec.podsOn(node.name())) {
            String ns = namespace(pod);
            script.append("ip netns add ").append(ns).append('\n');
            script.append("ip netns exec ").append(ns)
                    .append(" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1\n");
            script.append("ip link add ").append(pod.hostVeth()).append(" mtu ").append(mtu)
                    .append(" type veth peer name eth0 mtu ").append(mtu).append(" netns ").append(ns).append('\n');
            script.append("ip link set dev ").append(pod.hostVeth()).append(" master cni0 up\n");
            script.append("ip -n ").append(ns).append(" link set dev lo up\n");
            script.append("ip -n ").append(ns).append(" addr add ").append(pod.ip()).append('/')
                    .append(node.subnet().length()).append(" dev eth0\n");
            script.append("ip -n ").append(ns).append(" link set dev eth0 up\n");
            script.append("ip -n ").append(ns).append(" route add default via ")
                    .append(node.bridgeAddress().address()).append(" dev eth0\n");
        }
        CommandResult result = shell.run(Command.of("sh", "-s").withStdin(script.toString()).withTimeout(STEP));
        if (!result.ok()) {
            throw new LabException("building the pods of node " + node.name() + " failed: " + result.stderr().strip());
        }
    }

    /** kube-proxy's DNAT of the DNS Service IP to the CoreDNS pods, as on the other backends. */
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
        CommandResult result = shell.run(Command.of("nft", "-f", "-").withStdin(rules).withTimeout(STEP));
        if (!result.ok()) {
            throw new LabException("cannot install the DNS Service rules on node " + shell.name() + ": "
                    + result.stderr().strip());
        }
    }

    private interface Step<T, R> {
        R apply(T item) throws LabException;
    }

    /** One step on every node at once (the engine's exec slots pace the execs); the first failure is thrown. */
    private static <T, R> List<R> inParallel(List<T> items, Step<T, R> step) throws LabException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(items.size(), 8)));
        try {
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> step.apply(item)));
            }
            List<R> results = new ArrayList<>();
            LabException first = null;
            for (Future<R> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof LabException lab ? lab
                                : new LabException("building the cluster failed: " + e.getCause(), e.getCause());
                    }
                }
            }
            if (first != null) {
                throw first;
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while building the cluster", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void check(Remote shell, List<List<String>> commands) throws LabException {
        try {
            shell.runAll(commands);
        } catch (CommandFailedException e) {
            throw new LabException("building node " + shell.name() + " failed: " + e.getMessage(), e);
        }
    }

    /** Removes every node container and the underlay network made so far, then lets the reaper go. */
    void removeEverything() {
        containers.parallelStream().forEach(id -> {
            try {
                engine.client().removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException gone) {
                // removed already
            } catch (DockerException e) {
                System.err.println("containers: cannot remove container " + id + ": " + e.getMessage());
            }
        });
        if (network != null) {
            try {
                engine.client().removeNetworkCmd(network).exec();
            } catch (NotFoundException gone) {
                // removed already
            } catch (DockerException e) {
                System.err.println("containers: cannot remove network " + names.network() + ": " + e.getMessage());
            }
        }
        if (reaper != null) {
            reaper.close();
        }
        engine.close();
    }
}
