package dev.vxlab.lab.backend.netns;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.Cluster;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.shell.ProcessRunner;
import dev.vxlab.lab.spec.ClusterSpec;
import java.time.Duration;
import java.util.List;

/**
 * The default backend: every node and pod is a network namespace on this kernel, the underlay is a bridge in the
 * run's fabric namespace, and flannel is emulated. It runs only inside the vxlab sandbox (bin/vxlab-sandbox), whose
 * own network namespace is not the host's, so nothing it does can touch the machine's network.
 */
public final class NetnsBackend implements ClusterBackend {
    public static final String NAME = "netns";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BackendInfo info() throws LabException {
        if (!"1".equals(System.getenv("VXLAB_SANDBOX"))) {
            throw new LabException("the netns backend runs only inside the vxlab sandbox; start the lab through ./vxlab");
        }
        if (!ProcessRunner.run(List.of("ip", "-V"), Duration.ofSeconds(5)).ok()) {
            throw new LabException("'ip' (iproute2) is missing; install it with: apt-get install iproute2");
        }
        String mode = System.getenv().getOrDefault("VXLAB_SANDBOX_MODE", "root");
        boolean tcpdump = ProcessRunner.run(List.of("tcpdump", "--version"), Duration.ofSeconds(5)).ok();
        return new BackendInfo(NAME, mode.startsWith("rootless"), true,
                tcpdump && !mode.equals("rootless-nocapture"), System.getProperty("os.arch"), false);
    }

    /**
     * The cluster of a persistent lab that another process built, seen from inside its sandbox. Closing it removes
     * nothing: the lab's daemon owns the namespaces.
     */
    public static Cluster attach(ClusterSpec spec, LabRun run) throws LabException {
        BackendInfo info = new NetnsBackend().info();
        NetnsNames names = new NetnsNames(run.prefix());
        java.util.Map<String, dev.vxlab.lab.shell.NodeShell> shells = new java.util.LinkedHashMap<>();
        List<NetnsCluster.Node> nodes = new java.util.ArrayList<>();
        for (var node : spec.nodes()) {
            NetnsShell shell = new NetnsShell(node.name(), names.node(node));
            if (!java.nio.file.Files.exists(java.nio.file.Path.of("/run/netns", shell.namespace()))) {
                throw new LabException("node " + node.name() + "'s namespace " + shell.namespace()
                        + " does not exist; is the lab still up?");
            }
            shells.put(node.name(), shell);
            nodes.add(new NetnsCluster.Node(node, shell));
        }
        List<NetnsCluster.Pod> pods = spec.pods().stream().map(pod -> new NetnsCluster.Pod(pod,
                new NetnsShell(pod.label(), names.pod(spec.node(pod.node()), pod)))).toList();
        dev.vxlab.lab.flannel.LeaseRegistry registry = dev.vxlab.lab.flannel.LeaseRegistry.load(run.directory(),
                new dev.vxlab.lab.flannel.FlannelFiles(spec));
        var flannel = new dev.vxlab.lab.flannel.FlannelEmulation(spec, shells, registry);
        return new NetnsCluster(spec, run, info, names, nodes, pods, flannel, List.of());
    }

    /** The namespace name a node of a run gets. */
    public static String namespaceOf(String prefix, dev.vxlab.lab.spec.NodePlan node) {
        return new NetnsNames(prefix).node(node);
    }

    @Override
    public Cluster create(ClusterSpec spec, LabRun run) throws LabException {
        BackendInfo info = info();
        NetnsClusterBuilder builder = new NetnsClusterBuilder(spec, run, info);
        try {
            return builder.build();
        } catch (LabException | RuntimeException e) {
            builder.removeEverything();
            throw e;
        }
    }
}
