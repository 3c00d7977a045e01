package dev.vxlab.scenarios.cli;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.cli.Main;
import dev.vxlab.lab.cli.ReportDirectories;
import dev.vxlab.lab.report.Expectation;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.scenarios.file.Scenario;
import dev.vxlab.scenarios.file.ScenarioParser;
import dev.vxlab.scenarios.runner.ScenarioResult;
import dev.vxlab.scenarios.runner.ScenarioRunner;
import dev.vxlab.lab.backend.LabOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vxlab reproduce}: the main job. Plays the catalog's field story ({@value #STORY}.yaml) on N nodes of the
 * field's cluster, told step by step; exit 0 when every expectation held, 1 when one did not, 2 bad input.
 */
@Command(name = "reproduce", description = "Reproduce the field bug (flannel.1 MAC drift, then route loss) "
        + "and its recovery on a throw-away cluster (plays scenarios/catalog/" + ReproduceCommand.STORY + ".yaml).")
final class ReproduceCommand implements Callable<Integer> {
    static final String STORY = "field-story";
    /** The same story with the real NetworkManager changing the MAC (docs/networkmanager.md). */
    static final String NM_STORY = "field-story-networkmanager";

    @Option(names = "--backend", defaultValue = "netns", description = "Cluster backend (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--nodes", description = "Number of nodes, " + ClusterSpec.NODES_RANGE
            + "; the field had 5 (default: 5, or what the backend can afford, e.g. 3 arm64 VMs on qemu).")
    Integer nodes;

    @Option(names = "--report", description = "Report directory (default: vxlab-reports/<date-time>).")
    Path report;

    @Option(names = "--no-fast-path", description = "Reach every node through its remote only (ip -j snapshots, "
            + "tcpdump and real clients on the nodes, pod servers as processes), as a backend without a fast path does.")
    boolean noFastPath;

    @Option(names = "--with-networkmanager", description = "Let the real NetworkManager, confined to the node, change "
            + "flannel.1's MAC (plays scenarios/catalog/" + NM_STORY + ".yaml; needs network-manager and dbus).")
    boolean withNetworkManager;

    @Override
    public Integer call() throws LabException {
        ClusterBackend chosen = Backends.byName(backend);
        int nodes = this.nodes != null ? this.nodes : chosen.defaultNodes();
        if (nodes < 2 || nodes > ClusterSpec.MAX_NODES) {
            throw new LabException("--nodes must be from 2 to " + ClusterSpec.MAX_NODES + " (" + ClusterSpec.MAX_NODES_WHY
                    + "), not " + nodes);
        }
        // Parsed before entering the backend's place, so a broken story costs no cluster.
        Scenario story = ScenarioParser.parse(Catalog.shipped().resolve(withNetworkManager ? NM_STORY : STORY),
                OptionalInt.of(nodes));
        Path dir = ReportDirectories.defaultFor(null, report);
        List<String> again = new ArrayList<>(List.of("reproduce", "--backend", backend, "--nodes",
                Integer.toString(nodes), "--report", dir.toString()));
        if (noFastPath) {
            again.add("--no-fast-path");
        }
        if (withNetworkManager) {
            again.add("--with-networkmanager");
        }
        Optional<Integer> there = chosen.enter(again);
        if (there.isPresent()) {
            return there.get();
        }
        ScenarioResult result = ScenarioRunner.narrated(chosen, dir, System.out, "reproduce")
                .withOptions(new LabOptions(!noFastPath)).play(story);
        List<Expectation> all = result.report().expectations();
        if (result.passed()) {
            System.out.printf("%nreproduced: %d of %d expectations held. Report: %s%n", all.size(), all.size(),
                    dir.resolve("report.html"));
            return Main.OK;
        }
        System.out.printf("%nNOT reproduced: %d expectation(s) failed: %s. Report: %s%n", result.failed().size(),
                String.join("; ", result.failed().stream().map(Expectation::description).toList()),
                dir.resolve("report.html"));
        return Main.FAILED;
    }
}
