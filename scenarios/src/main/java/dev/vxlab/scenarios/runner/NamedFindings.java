package dev.vxlab.scenarios.runner;

import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.Severity;
import dev.vxlab.lab.doctor.LabDoctor;
import dev.vxlab.scenarios.file.ExpectedFinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** What the doctor named across the cluster ("node fault device", informational findings aside), against a file. */
record NamedFindings(List<String> named) {

    static NamedFindings of(Map<String, LabDoctor.Examined> examined) {
        TreeSet<String> named = new TreeSet<>();
        for (LabDoctor.Examined e : examined.values()) {
            for (Finding f : e.diagnosis().findings()) {
                if (f.severity() != Severity.INFO) {
                    named.add(f.node() + " " + f.fault() + " " + (f.device().isEmpty() ? "-" : f.device()));
                }
            }
        }
        return new NamedFindings(List.copyOf(named));
    }

    /**
     * Empty when the findings are exactly the expected ones (every required one, any optional one, nothing else);
     * otherwise what is missing and what is extra.
     */
    String mismatch(List<ExpectedFinding> expected) {
        List<String> missing = new ArrayList<>();
        for (ExpectedFinding e : expected) {
            if (!e.optional() && named.stream().noneMatch(n -> matches(e, n))) {
                missing.add(e.render());
            }
        }
        List<String> extra = named.stream().filter(n -> expected.stream().noneMatch(e -> matches(e, n))).toList();
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("not named: " + String.join(", ", missing));
        }
        if (!extra.isEmpty()) {
            parts.add("named but not expected: " + String.join(", ", extra));
        }
        return String.join("; ", parts);
    }

    private static boolean matches(ExpectedFinding expected, String named) {
        String[] parts = named.split(" ");
        return parts[0].equals(expected.node()) && parts[1].equals(expected.fault())
                && expected.device().map(d -> d.equals(parts[2])).orElse(true);
    }

    String render() {
        return named.isEmpty() ? "nothing" : String.join(", ", named);
    }
}
