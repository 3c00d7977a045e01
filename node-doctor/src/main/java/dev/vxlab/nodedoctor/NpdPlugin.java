package dev.vxlab.nodedoctor;

import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.Severity;
import java.io.PrintStream;
import java.util.List;

/**
 * The doctor as a node-problem-detector custom plugin: NPD runs it on an interval, reads one short message from
 * stdout, and turns the exit code into the condition's status (0 OK, 1 NonOK, 2 Unknown). NPD cuts the message at its
 * {@code max_output_length}, so the most important finding (diagnoses are sorted root cause first) leads.
 */
public final class NpdPlugin {
    public static final int OK = 0;
    public static final int NON_OK = 1;
    public static final int UNKNOWN = 2;
    /** What the message says when every check passed; NPD shows it as the condition's message. */
    public static final String HEALTHY = "flannel dataplane healthy";

    private NpdPlugin() {}

    /** Examines the node once and reports in NPD's protocol; a doctor that cannot look says why and exits Unknown. */
    public static int run(NodeOptions options, PrintStream out) {
        if (options.fix || options.apply || options.watch || options.json) {
            out.println("vxlab: --npd reports only; it goes without --fix, --apply, --watch and --json");
            return UNKNOWN;
        }
        Diagnosis diagnosis;
        try {
            if (options.where == null || options.nodesFile == null || options.nodeName == null) {
                throw new NodeDoctorException("give --host or --netns NAME, and --node-name NAME and --nodes NODES.json");
            }
            diagnosis = NodeDoctor.open(options.where.host ? null : options.where.netns, options.nodeName,
                    options.nodesFile, options.subnetEnv, options.nmConfig).examine().diagnosis();
        } catch (NodeDoctorException | RuntimeException e) {
            out.println("vxlab: cannot examine the node: " + e.getMessage());
            return UNKNOWN;
        }
        out.println(message(diagnosis));
        return diagnosis.healthy() ? OK : NON_OK;
    }

    /**
     * One line: the first finding that impairs traffic and how many more there are; or the healthy message, with the
     * first risk (a finding that breaks nothing yet, e.g. NetworkManager managing flannel.1) when there is one.
     */
    static String message(Diagnosis diagnosis) {
        List<Finding> impairing = diagnosis.findings().stream().filter(f -> f.severity().impairsTraffic()).toList();
        if (impairing.isEmpty()) {
            return diagnosis.findings().stream().filter(f -> f.severity() == Severity.RISK).findFirst()
                    .map(f -> HEALTHY + "; risk: " + describe(f)).orElse(HEALTHY);
        }
        String more = impairing.size() > 1 ? " (+" + (impairing.size() - 1) + " more)" : "";
        return describe(impairing.getFirst()) + more + ": " + impairing.getFirst().summary();
    }

    private static String describe(Finding finding) {
        return finding.fault() + (finding.device().isEmpty() ? "" : " on " + finding.device());
    }
}
