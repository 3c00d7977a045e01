package dev.vxlab.backend.containers;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Container;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.Capability;
import dev.vxlab.lab.backend.Cluster;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.sandbox.Sandbox;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Node containers: each node is a privileged container (like a kind node) from an image built here without a
 * registry, on a user-defined Docker network as the underlay; pods are network namespaces inside the node
 * containers. Everything goes through the engine's API (DOCKER_HOST), so the lab runs where the CLI runs, no
 * sandbox needed; the nodes are reached by docker exec and archive copies only. No fast path.
 */
public final class ContainersBackend implements ClusterBackend {
    public static final String NAME = "containers";

    @Override
    public String name() {
        return NAME;
    }

    /** Three nodes: every field symptom needs two nodes and a third peer, and each exec costs the engine a process. */
    @Override
    public int defaultNodes() {
        return 3;
    }

    /**
     * Outside the sandbox (where the network is) the node image is built and imported when missing; the CLI then
     * runs here: the engine does the isolating.
     */
    @Override
    public Optional<Integer> enter(List<String> cliArguments) throws LabException {
        if (!Sandbox.inside()) {
            try (DockerEngine engine = DockerEngine.connect()) {
                new NodeImage(NodeImage.defaultCache(), System.err::println).ensureIn(engine, true);
            }
        }
        return Optional.empty();
    }

    @Override
    public BackendInfo info() throws LabException {
        try (DockerEngine engine = DockerEngine.connect()) {
            return new BackendInfo(NAME, EnumSet.of(Capability.PACKET_CAPTURE), architecture());
        }
    }

    /** The nodes share the engine's kernel: what this JVM's machine is, in uname's words. */
    static String architecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            default -> arch;
        };
    }

    @Override
    public Cluster create(ClusterSpec spec, LabRun run, LabOptions options) throws LabException {
        DockerEngine engine = DockerEngine.connect();
        ContainersClusterBuilder builder;
        try {
            // Inside the sandbox there is no network for debootstrap: the image must be cached (or in the engine).
            new NodeImage(NodeImage.defaultCache(), System.err::println).ensureIn(engine, !Sandbox.inside());
            removeOrphans(engine);
            builder = new ContainersClusterBuilder(spec, run,
                    new BackendInfo(NAME, EnumSet.of(Capability.PACKET_CAPTURE), architecture()), engine);
        } catch (LabException | RuntimeException e) {
            engine.close();
            throw e;
        }
        try {
            return builder.build();
        } catch (LabException | RuntimeException e) {
            builder.removeEverything();
            throw e;
        }
    }

    /**
     * Runs whose reaper is gone but whose containers or network are still here (the engine stopped while a run's
     * reaper waited, or someone removed the reaper): every live run has its reaper from its first step, so these are
     * removed, and their underlay no longer blocks the field's subnet.
     */
    private void removeOrphans(DockerEngine engine) throws LabException {
        TreeSet<String> reaped = new TreeSet<>();
        try {
            for (Container c : engine.client().listContainersCmd().withShowAll(true)
                    .withLabelFilter(List.of(ContainersNames.REAPER_LABEL)).exec()) {
                if ("running".equals(c.getState()) || "created".equals(c.getState())) { // created: a run starting now
                    reaped.add(c.getLabels().get(ContainersNames.REAPER_LABEL));
                }
            }
        } catch (DockerException e) {
            throw new LabException("cannot list the engine's containers: " + e.getMessage(), e);
        }
        for (String prefix : list()) {
            if (!reaped.contains(prefix)) {
                System.err.println("containers: removing run " + prefix + ", left behind without its reaper");
                delete(prefix);
            }
        }
    }

    @Override
    public Cluster attach(ClusterSpec spec, LabRun run, LabOptions options) throws LabException {
        throw new LabException("the containers backend keeps no lab between commands; use vxlab run or reproduce with it");
    }

    @Override
    public List<String> nodeCommand(LabRun run, NodePlan node, List<String> argv) {
        return List.of("sh", "-c", "echo 'the containers backend keeps no lab between commands' >&2; exit 2");
    }

    /** The runs whose node containers, reaper or underlay network this engine holds, found by their labels. */
    @Override
    public List<String> list() throws LabException {
        try (DockerEngine engine = DockerEngine.connect()) {
            TreeSet<String> prefixes = new TreeSet<>();
            for (Container c : engine.client().listContainersCmd().withShowAll(true)
                    .withLabelFilter(List.of(ContainersNames.RUN_LABEL)).exec()) {
                prefixes.add(c.getLabels().get(ContainersNames.RUN_LABEL));
            }
            for (Container c : engine.client().listContainersCmd().withShowAll(true)
                    .withLabelFilter(List.of(ContainersNames.REAPER_LABEL)).exec()) {
                prefixes.add(c.getLabels().get(ContainersNames.REAPER_LABEL));
            }
            engine.client().listNetworksCmd().exec().stream()
                    .filter(n -> n.getLabels() != null && n.getLabels().containsKey(ContainersNames.RUN_LABEL))
                    .forEach(n -> prefixes.add(n.getLabels().get(ContainersNames.RUN_LABEL)));
            return List.copyOf(prefixes);
        } catch (DockerException e) {
            throw new LabException("cannot list the engine's containers: " + e.getMessage(), e);
        }
    }

    /** Removes a run's node containers, reaper and underlay network, found by their labels. */
    @Override
    public void delete(String prefix) throws LabException {
        new LabRun(prefix, Path.of(".")); // validates the prefix
        ContainersNames names = new ContainersNames(prefix);
        try (DockerEngine engine = DockerEngine.connect()) {
            for (String label : List.of(names.runFilter(), ContainersNames.REAPER_LABEL + "=" + prefix)) {
                for (Container c : engine.client().listContainersCmd().withShowAll(true)
                        .withLabelFilter(List.of(label)).exec()) {
                    engine.client().removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
                }
            }
            engine.client().listNetworksCmd().exec().stream()
                    .filter(n -> n.getLabels() != null && prefix.equals(n.getLabels().get(ContainersNames.RUN_LABEL)))
                    .forEach(n -> engine.client().removeNetworkCmd(n.getId()).exec());
        } catch (DockerException e) {
            throw new LabException("cannot delete run " + prefix + "'s containers: " + e.getMessage(), e);
        }
    }
}
