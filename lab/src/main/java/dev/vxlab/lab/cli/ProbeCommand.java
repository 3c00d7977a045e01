package dev.vxlab.lab.cli;

import dev.vxlab.lab.Lab;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.probe.ConnectivityMatrix;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "probe", description = "Probe every node and pod against every pod and cluster DNS; print the matrix.")
final class ProbeCommand extends InLabCommand {
    @Option(names = "--timeout-ms", defaultValue = "1500", description = "Per-probe timeout (default: ${DEFAULT-VALUE}).")
    long timeoutMillis;

    @Override
    int act(Lab lab) throws LabException {
        ConnectivityMatrix matrix = lab.matrix(Duration.ofMillis(timeoutMillis));
        System.out.print(matrix.render());
        int total = matrix.sources().size() * matrix.targets().size();
        System.out.printf("%d/%d ok%n", total - matrix.failures().size(), total);
        matrix.failures().forEach(f -> System.out.println("  " + f.summary()));
        return matrix.allOk() ? Main.OK : Main.FAILED;
    }
}
