package dev.vxlab.scenarios.cli;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.cli.ReportDirectories;
import dev.vxlab.lab.backend.LabOptions;
import java.util.ArrayList;
import dev.vxlab.scenarios.file.Scenario;
import dev.vxlab.scenarios.file.ScenarioParser;
import dev.vxlab.scenarios.runner.ScenarioRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vxlab run FILE|NAME}: exit 0 when every expectation of the file held, 1 when one did not, 2 bad input. */
@Command(name = "run", description = "Play a scenario file, or a catalog scenario by name ('vxlab scenarios' "
        + "lists them), on a throw-away cluster; exit 1 when one of its expectations does not hold.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE|NAME", description = "A scenario file (docs/scenarios.md) or a "
            + "catalog name, e.g. field-bug.")
    String scenario;

    @Option(names = "--report", description = "Report directory (default: vxlab-reports/<name>-<date-time>).")
    Path report;

    @Option(names = "--backend", paramLabel = "NAME", description = "Play it on this backend instead of the file's "
            + "(default: the file's backend, else netns).")
    String backendName;

    @Option(names = "--no-fast-path", description = "Reach every node through its remote only (ip -j snapshots, "
            + "tcpdump and real clients on the nodes, pod servers as processes), as a backend without a fast path does.")
    boolean noFastPath;

    @Override
    public Integer call() throws LabException {
        Path file = Catalog.fileOrShipped(scenario);
        // Parsed before entering the sandbox, so a bad file costs no cluster and reads the same either way.
        Scenario parsed = ScenarioParser.parse(file);
        String name = backendName != null ? backendName : parsed.backend();
        ClusterBackend backend = Backends.byName(name);
        Path dir = ReportDirectories.defaultFor(parsed.name(), report);
        List<String> again = new ArrayList<>(List.of("run", file.toString(), "--report", dir.toString(), "--backend",
                name));
        if (noFastPath) {
            again.add("--no-fast-path");
        }
        Optional<Integer> entered = backend.enter(again);
        if (entered.isPresent()) {
            return entered.get();
        }
        return new ScenarioRunner(backend, dir, System.out).withOptions(new LabOptions(!noFastPath)).play(parsed)
                .passed() ? 0 : 1;
    }
}
