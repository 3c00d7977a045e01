package dev.vxlab.nodedoctor;

import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Finding;
import java.io.PrintStream;
import java.util.List;

/** How the doctor prints diagnoses and fix plans, the same for a lab and a real node. */
public final class DiagnosisPrinter {
    private final PrintStream out;
    private final boolean json;

    public DiagnosisPrinter(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /** One diagnosis as a JSON object, several as an array; or a few lines per finding for people. */
    public void diagnoses(List<Diagnosis> diagnoses) {
        if (json) {
            out.println(diagnoses.size() == 1 ? diagnoses.getFirst().toJson()
                    : "[" + String.join(",\n", diagnoses.stream().map(Diagnosis::toJson).toList()) + "]");
            return;
        }
        for (Diagnosis d : diagnoses) {
            out.println(d.node() + ": " + (d.healthy() ? "healthy" : "NOT healthy")
                    + (d.findings().isEmpty() ? "" : ", " + d.findings().size() + " finding(s)"));
            for (Finding f : d.findings()) {
                out.printf("  %-8s %-22s %-10s %s%n", f.severity().label(), f.fault(),
                        f.device().isEmpty() ? "-" : f.device(), f.summary());
                out.println("           expected: " + f.expected());
                out.println("           actual:   " + f.actual());
                if (!f.fixes().isEmpty()) {
                    out.println("           fixes:    " + String.join(", ", f.fixes()));
                }
            }
        }
    }

    /** The plans as shell lines (nothing with --json: the diagnosis is the JSON). */
    public void plans(List<FixPlan> plans, boolean apply) {
        if (json) {
            return;
        }
        if (plans.isEmpty()) {
            out.println("nothing to fix");
            return;
        }
        for (FixPlan plan : plans) {
            out.println("fix " + plan.fix() + " on " + plan.node() + ": " + plan.description()
                    + (apply ? "" : " (dry run; add --apply)"));
            plan.rendered().forEach(line -> out.println("  $ " + line));
        }
    }
}
