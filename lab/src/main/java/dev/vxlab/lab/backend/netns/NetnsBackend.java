package dev.vxlab.lab.backend.netns;

import dev.vxlab.detectors.remote.ProcessRunner;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.Capability;
import dev.vxlab.lab.backend.Cluster;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.flannel.FlannelEmulation;
import dev.vxlab.lab.flannel.FlannelFiles;
import dev.vxlab.lab.flannel.LeaseRegistry;
import dev.vxlab.lab.sandbox.Sandbox;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default backend: every node and pod is a network namespace on this kernel, the underlay is a bridge in the
 * run's fabric namespace, and flannel is emulated. It runs only inside the vxlab sandbox (bin/vxlab-sandbox), whose
 * own network namespace is not the host's, so nothing it does can touch the machine's network; {@link #enter} takes
 * the CLI there.
 */
public final class NetnsBackend implements ClusterBackend {
    public static final String NAME = "netns";
    private static final Pattern RUN_NAMESPACE = Pattern.compile("(vx[a-z0-9]{1,6})-(fab|n\\d+.*)");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<Integer> enter(List<String> cliArguments) throws LabException {
        return Sandbox.inside() ? Optional.empty() : Optional.of(Sandbox.runInside(cliArguments));
    }

    @Override
    public BackendInfo info() throws LabException {
        if (!Sandbox.inside()) {
            throw new LabException("the netns backend runs only inside the vxlab sandbox; start the lab through ./vxlab");
        }
        if (!ProcessRunner.run(List.of("ip", "-V"), Duration.ofSeconds(5)).ok()) {
            throw new LabException("'ip' (iproute2) is missing; install it with: apt-get install iproute2");
        }
        String mode = Sandbox.mode();
        boolean tcpdump = ProcessRunner.run(List.of("tcpdump", "--version"), Duration.ofSeconds(5)).ok();
        EnumSet<Capability> can = EnumSet.of(Capability.NETNS_FAST_PATH, Capability.PERSISTENT_LABS);
        if (mode.startsWith("rootless")) {
            can.add(Capability.ROOTLESS);
        }
        if (tcpdump && !mode.equals("rootless-nocapture")) {
            can.add(Capability.PACKET_CAPTURE);
        }
        return new BackendInfo(NAME, can, architecture());
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            default -> arch;
        };
    }

    @Override
    public Cluster create(ClusterSpec spec, LabRun run, LabOptions options) throws LabException {
        BackendInfo info = withOptions(info(), options);
        NetnsClusterBuilder builder = new NetnsClusterBuilder(spec, run, info, options);
        try {
            return builder.build();
        } catch (LabException | RuntimeException e) {
            builder.removeEverything();
            throw e;
        }
    }

    /**
     * The cluster of a persistent lab that another process built, seen from inside its sandbox. Closing it removes
     * nothing: the lab's daemon owns the namespaces.
     */
    @Override
    public Cluster attach(ClusterSpec spec, LabRun run, LabOptions options) throws LabException {
        BackendInfo info = withOptions(info(), options);
        NetnsNames names = new NetnsNames(run.prefix());
        Map<String, Remote> remotes = new LinkedHashMap<>();
        List<NetnsCluster.Node> nodes = new ArrayList<>();
        for (NodePlan node : spec.nodes()) {
            var remote = names.nodeRemote(run, node);
            if (!Files.exists(Path.of("/run/netns", remote.namespace()))) {
                throw new LabException("node " + node.name() + "'s namespace " + remote.namespace()
                        + " does not exist; is the lab still up?");
            }
            remotes.put(node.name(), remote);
            nodes.add(new NetnsCluster.Node(node, remote, options.fastPath()));
        }
        List<NetnsCluster.Pod> pods = spec.pods().stream().map(pod -> new NetnsCluster.Pod(pod,
                names.podRemote(run, spec.node(pod.node()), pod), options.fastPath())).toList();
        LeaseRegistry registry = LeaseRegistry.load(run.directory(), new FlannelFiles(spec));
        var flannel = new FlannelEmulation(spec, remotes, registry);
        return new NetnsCluster(spec, run, info, names, nodes, pods, flannel, List.of(), List.of());
    }

    @Override
    public List<String> nodeCommand(LabRun run, NodePlan node, List<String> argv) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", new NetnsNames(run.prefix()).node(node)));
        command.addAll(argv);
        return command;
    }

    /** The run prefixes whose namespaces exist in this sandbox. */
    @Override
    public List<String> list() throws LabException {
        TreeSet<String> prefixes = new TreeSet<>();
        for (String namespace : namespaces()) {
            Matcher m = RUN_NAMESPACE.matcher(namespace);
            if (m.matches()) {
                prefixes.add(m.group(1));
            }
        }
        return List.copyOf(prefixes);
    }

    /** Deletes every namespace of the run (pods first, the fabric last); the kernel frees their devices. */
    @Override
    public void delete(String prefix) throws LabException {
        new LabRun(prefix, Path.of(".")); // validates the prefix
        List<String> mine = new ArrayList<>(namespaces().stream().filter(ns -> ns.startsWith(prefix + "-")).toList());
        mine.sort((a, b) -> Integer.compare(b.length(), a.length()));
        NetnsCluster.deleteNamespaces(mine.reversed());
    }

    private static List<String> namespaces() throws LabException {
        var result = ProcessRunner.run(List.of("ip", "netns", "list"), Duration.ofSeconds(10));
        if (!result.ok()) {
            throw new LabException("cannot list network namespaces: " + result.stderr().strip());
        }
        return result.stdout().lines().map(l -> l.split("\\s+")[0]).filter(s -> !s.isBlank()).toList();
    }

    private static BackendInfo withOptions(BackendInfo info, LabOptions options) {
        return options.fastPath() ? info : info.without(Capability.NETNS_FAST_PATH);
    }

}
