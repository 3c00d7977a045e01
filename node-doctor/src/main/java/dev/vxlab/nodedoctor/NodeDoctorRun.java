package dev.vxlab.nodedoctor;

import dev.vxlab.detectors.fix.FixPlan;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * One run of the real-node doctor from its options: examine (or watch), print, and with --fix plan, with --apply
 * apply and verify. Returns the exit code: 0 healthy (or healed), 1 findings (or not healed).
 */
public final class NodeDoctorRun {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private NodeDoctorRun() {}

    public static int run(NodeOptions options, PrintStream out) throws NodeDoctorException {
        if (options.npd) {
            return NpdPlugin.run(options, out);
        }
        if (options.where == null || options.nodesFile == null || options.nodeName == null) {
            throw new NodeDoctorException(
                    "on a real node, give --host or --netns NAME, and --node-name NAME and --nodes NODES.json");
        }
        if (options.apply && !options.fix) {
            throw new NodeDoctorException("--apply goes with --fix");
        }
        NodeDoctor doctor = NodeDoctor.open(options.where.host ? null : options.where.netns, options.nodeName,
                options.nodesFile, options.subnetEnv, options.nmConfig);
        if (options.watch) {
            return doctor.watch(Duration.ofMillis(Math.max(100, options.intervalMillis)), out);
        }
        DiagnosisPrinter printer = new DiagnosisPrinter(out, options.json);
        NodeDoctor.Examined examined = doctor.examine();
        printer.diagnoses(List.of(examined.diagnosis()));
        // Said once, and off the JSON on stdout.
        doctor.takeFirewallNote().ifPresent(note -> (options.json ? System.err : out).println("note: " + note));
        if (options.fix) {
            List<FixPlan> plans = doctor.plan(examined, options.skipFixes);
            printer.plans(plans, options.apply);
            if (options.apply && !plans.isEmpty()) {
                doctor.apply(plans).forEach(line -> out.println("  applied: " + line));
                NodeDoctor.Verification verification = doctor.verify();
                verification.lines().forEach(line -> out.println("  " + line));
                return verification.healed() ? OK : FAILED;
            }
        }
        return examined.diagnosis().healthy() ? OK : FAILED;
    }
}
