package dev.vxlab.backend.qemu;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.ProcessRunner;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one qemu cluster: the fabric namespace (a bridge with the underlay's gateway, one tap per node), one VM per
 * node started in parallel, each node programmed through its guest agent as the netns backend programs a namespace
 * (sysctls, eth0, flannel by {@link FlannelEmulation}, pods as namespaces on cni0, kube-proxy's DNS Service rules).
 * It remembers every VM so a failure removes them all.
 */
final class QemuClusterBuilder {
    private static final Duration BOOT = Duration.ofMinutes(5);
    private static final Duration STEP = Duration.ofSeconds(60);
    /** The L2 without taps: a multicast group on the fabric namespace's own loopback (nothing leaves it). */
    private static final String MULTICAST_L2 = "230.0.0.1:1234";

    private final ClusterSpec spec;
    private final LabRun run;
    private final BackendInfo info;
    private final GuestImage.Built image;
    private final QemuNames names;
    private final List<QemuVm> vms = new ArrayList<>();
    private boolean fabric;
    private boolean taps;

    QemuClusterBuilder(ClusterSpec spec, LabRun run, BackendInfo info, GuestImage.Built image) {
        this.spec = spec;
        this.run = run;
        this.info = info;
        this.image = image;
        this.names = new QemuNames(run.prefix());
    }

    QemuCluster build() throws LabException {
        long started = System.nanoTime();
        buildFabric();
        for (NodePlan node : spec.nodes()) {
            vms.add(QemuVm.start(new QemuVm.Spec(node.name(), image, QemuVm.MEMORY_MB,
                    consoleDirectory().resolve(node.name() + ".console.log"), names.agentSocket(node),
                    List.of("ip", "netns", "exec", names.fabric()), List.of(
                            "-netdev", taps ? "tap,id=n0,ifname=" + names.tap(node) + ",script=no,downscript=no"
                                    : "socket,id=n0,mcast=" + MULTICAST_L2 + ",localaddr=127.0.0.1",
                            "-device", "virtio-net-pci,netdev=n0,mac=" + names.mac(node) + ",romfile="))));
        }
        Map<String, Remote> remotes = new LinkedHashMap<>();
        List<QemuCluster.Node> nodes = new ArrayList<>();
        for (int i = 0; i < vms.size(); i++) {
            NodePlan plan = spec.nodes().get(i);
            QemuNodeRemote remote = new QemuNodeRemote(plan.name(), vms.get(i).awaitAgent(BOOT));
            remotes.put(plan.name(), remote);
            nodes.add(new QemuCluster.Node(plan, remote, vms.get(i)));
        }
        double booted = (System.nanoTime() - started) / 1e9;
        // one step per node at once: each node is its own VM with its own vCPU thread
        Parallel.forEach(nodes, nodes.size(), node -> buildNode(node.plan(), node.remote()));
        LeaseRegistry registry = new LeaseRegistry(run.directory(), new FlannelFiles(spec));
        FlannelEmulation flannel = new FlannelEmulation(spec, Map.copyOf(remotes), registry);
        flannel.start();
        List<RemotePod> pods = new ArrayList<>();
        for (PodPlan pod : spec.pods()) {
            pods.add(new RemotePod(pod, new NetnsExecRemote(pod.label(), PodNamespaces.namespace(pod),
                    remotes.get(spec.node(pod.node()).name()))));
        }
        Parallel.forEach(nodes, nodes.size(), node -> {
            PodNamespaces.build(spec, node.plan(), node.remote(), "/usr/sbin/ip", STEP);
            ServiceProxy.install(spec, node.remote(), STEP);
        });
        System.err.printf("qemu: %d arm64 nodes booted in %.1f s, cluster built in %.1f s (consoles in %s)%n",
                nodes.size(), booted, (System.nanoTime() - started) / 1e9, consoleDirectory());
        return new QemuCluster(spec, run, info, names, nodes, pods, flannel, List.copyOf(vms));
    }

    Path consoleDirectory() {
        return run.directory().resolve("qemu");
    }

    /**
     * The underlay: a bridge in the fabric namespace with the gateway address, one tap per node as its port. Where
     * /dev/net/tun cannot be opened (some machines make it root-only, so a rootless sandbox cannot), the VMs share a
     * multicast socket on the fabric namespace's loopback instead: a hub rather than a learning bridge, and no
     * gateway, which the lab does not need.
     */
    private void buildFabric() throws LabException {
        hostCheck(List.of("ip", "netns", "add", names.fabric()));
        fabric = true;
        taps = tunUsable();
        String mtu = Integer.toString(spec.underlayMtu());
        StringBuilder batch = new StringBuilder();
        batch.append("link set dev lo up\n");
        if (!taps) {
            batch.append("link set dev lo multicast on\n");
            batch.append("route add 224.0.0.0/4 dev lo\n");
            runFabric(batch.toString());
            return;
        }
        batch.append("link add ").append(QemuNames.BRIDGE).append(" mtu ").append(mtu).append(" type bridge\n");
        batch.append("addr add ").append(spec.gateway()).append('/').append(spec.underlay().length()).append(" dev ")
                .append(QemuNames.BRIDGE).append('\n');
        batch.append("link set dev ").append(QemuNames.BRIDGE).append(" up\n");
        for (NodePlan node : spec.nodes()) {
            String tap = names.tap(node);
            batch.append("tuntap add dev ").append(tap).append(" mode tap\n");
            batch.append("link set dev ").append(tap).append(" mtu ").append(mtu).append(" master ")
                    .append(QemuNames.BRIDGE).append(" up\n");
        }
        runFabric(batch.toString());
    }

    private void runFabric(String batch) throws LabException {
        CommandResult result = ProcessRunner.run(List.of("ip", "-n", names.fabric(), "-batch", "-"), batch, STEP);
        if (!result.ok()) {
            throw new LabException("cannot build the VMs' L2 in " + names.fabric() + ": " + result.stderr().strip());
        }
    }

    private static boolean tunUsable() {
        try (var tun = java.nio.channels.FileChannel.open(Path.of("/dev/net/tun"),
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            return true;
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** What a node needs before flannel: sysctls, lo, eth0 on the underlay with the default route. */
    private void buildNode(NodePlan node, Remote shell) throws LabException {
        Parallel.check(shell, List.of(
                // bridge-nf-call-iptables as kubeadm requires it: a pod's request DNATed to a CoreDNS pod on the same
                // cni0 is bridged back, and only then does the reply pass conntrack and come from the Service IP.
                List.of("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1",
                        "net.ipv4.ip_forward=1", "net.bridge.bridge-nf-call-iptables=1"),
                List.of("ip", "link", "set", "dev", "lo", "up"),
                List.of("ip", "link", "set", "dev", "eth0", "mtu", Integer.toString(spec.underlayMtu())),
                List.of("ip", "addr", "add", node.publicIp() + "/" + spec.underlay().length(), "dev", "eth0"),
                List.of("ip", "link", "set", "dev", "eth0", "up"),
                List.of("ip", "route", "add", "default", "via", spec.gateway().toString(), "dev", "eth0")));
        // Like a NIC on a wire: frames are cut to the sender's MTU, so MTU faults show (see NetnsClusterBuilder).
        CommandResult offloads = shell.run("ethtool", "-K", "eth0", "tso", "off", "gso", "off");
        if (!offloads.ok()) {
            throw new LabException("cannot turn off segmentation offloads on node " + node.name() + "'s eth0: "
                    + offloads.stderr().strip());
        }
    }

    private static void hostCheck(List<String> argv) throws LabException {
        CommandResult result = ProcessRunner.run(argv, STEP);
        if (!result.ok()) {
            throw new LabException(String.join(" ", argv) + " failed: " + result.stderr().strip());
        }
    }

    /** Stops every VM started so far and deletes the fabric namespace (its taps go with it). */
    void removeEverything() {
        QemuCluster.stopAll(vms);
        if (fabric) {
            ProcessRunner.run(List.of("ip", "netns", "del", names.fabric()), Duration.ofSeconds(10));
        }
        GuestImage.deleteTree(names.socketDirectory());
    }
}
