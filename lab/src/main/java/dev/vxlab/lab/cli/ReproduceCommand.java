package dev.vxlab.lab.cli;

import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.reproduce.FieldBugStory;
import dev.vxlab.lab.sandbox.Sandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "reproduce", description = "Reproduce the field bug (flannel.1 MAC drift, then route loss) "
        + "and its recovery on a throw-away cluster.")
final class ReproduceCommand implements Callable<Integer> {
    @Option(names = "--backend", defaultValue = "netns", description = "Cluster backend (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--nodes", defaultValue = "5", description = "Number of nodes, " + ClusterSpec.NODES_RANGE
            + "; the field had ${DEFAULT-VALUE}.")
    int nodes;

    @Option(names = "--report", description = "Report directory (default: vxlab-reports/<date-time>).")
    Path report;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws LabException {
        ClusterBackend chosen = Backends.byName(backend);
        if (nodes < 2 || nodes > ClusterSpec.MAX_NODES) {
            throw new LabException("--nodes must be from 2 to " + ClusterSpec.MAX_NODES + " (" + ClusterSpec.MAX_NODES_WHY
                    + "), not " + nodes);
        }
        Path dir = ReportDirectories.defaultFor(null, report);
        if (!Sandbox.inside()) {
            List<String> args = new ArrayList<>(List.of("reproduce", "--backend", backend, "--nodes",
                    Integer.toString(nodes), "--report", dir.toString()));
            return Sandbox.runInside(args);
        }
        return new FieldBugStory(chosen, nodes, dir, System.out).play() ? Main.OK : Main.FAILED;
    }
}
