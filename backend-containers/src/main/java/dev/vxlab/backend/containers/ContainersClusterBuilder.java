package dev.vxlab.backend.containers;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Network;
import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.NetnsExecRemote;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.Parallel;
import dev.vxlab.lab.backend.PodNamespaces;
import dev.vxlab.lab.backend.RemotePod;
import dev.vxlab.lab.backend.ServiceProxy;
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

/**
 * Builds one containers cluster: the run's reaper first, the underlay (a user-defined bridge network with the field's
 * subnet, gateway and MTU), one privileged node container per node at its field address, then each node programmed
 * through docker exec as the netns backend programs a namespace (sysctls, offloads, flannel by
 * {@link FlannelEmulation}, pods as network namespaces on cni0, kube-proxy's DNS Service rules). It remembers what
 * it made so a failure, or the cluster's close, removes it all.
 */
final class ContainersClusterBuilder {
    private static final Duration STEP = Duration.ofSeconds(60);
    /** Node containers started or programmed at once; the engine's exec slots pace their execs. */
    private static final int MAX_AT_ONCE = 8;

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
        // one step per node at once (the engine's exec slots pace the execs)
        List<ContainersCluster.Node> nodes = Parallel.map(spec.nodes(), MAX_AT_ONCE, this::startNode);
        double up = (System.nanoTime() - started) / 1e9;
        Parallel.forEach(nodes, MAX_AT_ONCE, node -> buildNode(node.plan(), node.remote()));
        Map<String, Remote> remotes = new LinkedHashMap<>();
        nodes.forEach(n -> remotes.put(n.plan().name(), n.remote()));
        LeaseRegistry registry = new LeaseRegistry(run.directory(), new FlannelFiles(spec));
        FlannelEmulation flannel = new FlannelEmulation(spec, Map.copyOf(remotes), registry);
        flannel.start();
        List<RemotePod> pods = new ArrayList<>();
        for (PodPlan pod : spec.pods()) {
            pods.add(new RemotePod(pod, new NetnsExecRemote(pod.label(), PodNamespaces.namespace(pod),
                    remotes.get(spec.node(pod.node()).name()))));
        }
        Parallel.forEach(nodes, MAX_AT_ONCE, node -> {
            PodNamespaces.build(spec, node.plan(), node.remote(), "ip", STEP);
            ServiceProxy.install(spec, node.remote(), STEP);
        });
        System.err.printf("containers: %d node containers up in %.1f s, cluster built in %.1f s (engine %s)%n",
                nodes.size(), up, (System.nanoTime() - started) / 1e9, engine.host());
        return new ContainersCluster(spec, run, info, nodes, pods, flannel, this);
    }

    private void createNetwork() throws LabException {
        try {
            network = engine.client().createNetworkCmd().withName(names.network()).withDriver("bridge")
                    .withLabels(Map.of(ContainersNames.RUN_LABEL, names.prefix()))
                    .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config()
                            .withSubnet(spec.underlay().toString()).withGateway(spec.gateway().toString())))
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
        Parallel.check(shell, List.of(List.of("ip", "link", "set", "dev", "lo", "up"),
                List.of("ip", "link", "set", "dev", "eth0", "mtu", Integer.toString(spec.underlayMtu()), "up")));
        // Like a NIC on a wire: frames are cut to the sender's MTU, so MTU faults show (see NetnsClusterBuilder).
        CommandResult offloads = shell.run("ethtool", "-K", "eth0", "tso", "off", "gso", "off");
        if (!offloads.ok()) {
            throw new LabException("cannot turn off segmentation offloads on node " + node.name() + "'s eth0: "
                    + offloads.stderr().strip());
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
