package dev.vxlab.lab.cli;

import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.model.Exchange;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.doctor.LabDoctor;
import dev.vxlab.lab.doctor.NodeDoctor;
import dev.vxlab.lab.probe.ConnectivityMatrix;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "doctor", description = {
        "Examine nodes for the faults host network managers cause to flannel's VXLAN dataplane, and fix them.",
        "On a lab: vxlab doctor [--lab NAME] [--node N] [--json] [--fix [--apply]]",
        "On a real node: vxlab doctor (--host | --netns NAME) --node-name NAME --nodes NODES.json "
                + "[--subnet-env FILE] [--json] [--fix [--skip-fix FIX] [--apply]] [--watch]",
        "Exit codes: 0 healthy, 1 findings, 2 bad input or environment."})
final class DoctorCommand extends InLabCommand {

    static final class Where {
        @Option(names = "--host", description = "Examine this machine's own network namespace (read-only unless --apply).")
        boolean host;

        @Option(names = "--netns", paramLabel = "NAME", description = "Examine the named network namespace (/run/netns/NAME).")
        String netns;
    }

    @ArgGroup(exclusive = true)
    Where where;

    @Option(names = "--node-name", paramLabel = "NAME", description = "This node's name in the NodeList.")
    String nodeName;

    @Option(names = "--nodes", paramLabel = "NODES.json", description = "`kubectl get nodes -o json` output.")
    Path nodesFile;

    @Option(names = "--subnet-env", paramLabel = "FILE", description = "The node's flannel subnet.env "
            + "(default: /run/flannel/subnet.env when it exists).")
    Path subnetEnv;

    @Option(names = "--nm-config", paramLabel = "DIR", defaultValue = NodeDoctor.DEFAULT_NM_CONFIG,
            description = "NetworkManager's configuration directory, read for unmanaged-devices and where the "
                    + "nm-unmanaged-devices fix writes its drop-in (default: ${DEFAULT-VALUE}).")
    Path nmConfig;

    @Option(names = "--node", paramLabel = "NODE", description = "On a lab: only this node (name, IP or index).")
    String node;

    @Option(names = "--json", description = "Print the diagnosis as JSON.")
    boolean json;

    @Option(names = "--fix", description = "Print the fix plan (a dry run unless --apply).")
    boolean fix;

    @Option(names = "--skip-fix", paramLabel = "FIX", split = ",", description = "With --fix on a real node: never "
            + "choose this fix (e.g. flannel-resync where kubectl cannot run); findings take their next fix.")
    Set<String> skipFixes = Set.of();

    @Option(names = "--apply", description = "With --fix: apply the plan, then prove it with traffic.")
    boolean apply;

    @Option(names = "--trace", arity = "2", paramLabel = "SRC DST", description = "On a lab: follow a TCP exchange "
            + "from SRC (a node, a pod like app@NODE, or a pod IP) to the IP DST, hop by hop, and say where it dies.")
    List<String> trace;

    @Option(names = "--watch", description = "On a real node: examine again on every netlink change (and every --interval-ms for counters) and print each finding that appears or clears.")
    boolean watch;

    @Option(names = "--interval-ms", defaultValue = "1000", description = "--watch: how often counters (otherhost drops) are read again (default: ${DEFAULT-VALUE}).")
    long intervalMillis;

    @Override
    boolean worksWithoutLab() {
        return where != null || nodesFile != null || nodeName != null;
    }

    @Override
    int actWithoutLab() throws Exception {
        if (where == null || nodesFile == null || nodeName == null) {
            throw new LabException("on a real node, give --host or --netns NAME, and --node-name NAME and --nodes NODES.json");
        }
        if (apply && !fix) {
            throw new LabException("--apply goes with --fix");
        }
        NodeDoctor doctor = NodeDoctor.open(where.host ? null : where.netns, nodeName, nodesFile, subnetEnv, nmConfig);
        if (watch) {
            return doctor.watch(Duration.ofMillis(Math.max(100, intervalMillis)), System.out);
        }
        NodeDoctor.Examined examined = doctor.examine();
        print(List.of(examined.diagnosis()));
        if (fix) {
            List<FixPlan> plans = doctor.plan(examined, skipFixes);
            printPlans(plans);
            if (apply && !plans.isEmpty()) {
                doctor.apply(plans).forEach(line -> System.out.println("  applied: " + line));
                NodeDoctor.Verification verification = doctor.verify();
                verification.lines().forEach(line -> System.out.println("  " + line));
                return verification.healed() ? Main.OK : Main.FAILED;
            }
        }
        return examined.diagnosis().healthy() ? Main.OK : Main.FAILED;
    }

    @Override
    int act(Lab lab) throws LabException {
        if (apply && !fix) {
            throw new LabException("--apply goes with --fix");
        }
        if (watch) {
            throw new LabException("--watch is for a real node (--host or --netns); on a lab, run 'vxlab doctor' again");
        }
        try (LabDoctor doctor = new LabDoctor(lab)) {
            return trace != null ? trace(lab, doctor) : examine(lab, doctor);
        }
    }

    private int trace(Lab lab, LabDoctor doctor) throws LabException {
        String from = TraceEnds.source(lab.spec(), trace.get(0));
        Ipv4 to;
        try {
            to = Ipv4.parse(trace.get(1));
        } catch (IllegalArgumentException e) {
            throw new LabException("--trace DST must be an IPv4 address: " + e.getMessage(), e);
        }
        Exchange exchange = doctor.model().exchange(from, to);
        System.out.println(exchange.render());
        return exchange.succeeded() ? Main.OK : Main.FAILED;
    }

    private int examine(Lab lab, LabDoctor doctor) throws LabException {
        Map<String, LabDoctor.Examined> all = doctor.examine();
        if (node != null) {
            String name = lab.cluster().node(node).name();
            all = Map.of(name, all.get(name));
        }
        print(all.values().stream().map(LabDoctor.Examined::diagnosis).toList());
        if (!fix) {
            return all.values().stream().allMatch(e -> e.diagnosis().healthy()) ? Main.OK : Main.FAILED;
        }
        List<FixPlan> plans = new ArrayList<>();
        all.values().forEach(e -> plans.addAll(doctor.plan(e)));
        printPlans(plans);
        if (!apply || plans.isEmpty()) {
            return plans.isEmpty() ? Main.OK : Main.FAILED;
        }
        doctor.apply(plans).forEach(line -> System.out.println("  applied: " + line));
        // A fix is done only when traffic says so: every node and pod against every pod and cluster DNS.
        ConnectivityMatrix matrix = lab.matrix(Duration.ofMillis(1500));
        int total = matrix.sources().size() * matrix.targets().size();
        System.out.printf("verified by traffic: %d/%d probes ok%n", total - matrix.failures().size(), total);
        matrix.failures().forEach(f -> System.out.println("  still broken: " + f.summary()));
        return matrix.allOk() ? Main.OK : Main.FAILED;
    }

    private void print(List<Diagnosis> diagnoses) {
        if (json) {
            if (diagnoses.size() == 1) {
                System.out.println(diagnoses.getFirst().toJson());
            } else {
                System.out.println("[" + String.join(",\n", diagnoses.stream().map(Diagnosis::toJson).toList()) + "]");
            }
            return;
        }
        for (Diagnosis d : diagnoses) {
            System.out.println(d.node() + ": " + (d.healthy() ? "healthy" : "NOT healthy")
                    + (d.findings().isEmpty() ? "" : ", " + d.findings().size() + " finding(s)"));
            for (Finding f : d.findings()) {
                System.out.printf("  %-8s %-22s %-10s %s%n", f.severity().label(), f.fault(),
                        f.device().isEmpty() ? "-" : f.device(), f.summary());
                System.out.println("           expected: " + f.expected());
                System.out.println("           actual:   " + f.actual());
                if (!f.fixes().isEmpty()) {
                    System.out.println("           fixes:    " + String.join(", ", f.fixes()));
                }
            }
        }
    }

    private void printPlans(List<FixPlan> plans) {
        if (json) {
            return;
        }
        if (plans.isEmpty()) {
            System.out.println("nothing to fix");
            return;
        }
        for (FixPlan plan : plans) {
            System.out.println("fix " + plan.fix() + " on " + plan.node() + ": " + plan.description()
                    + (apply ? "" : " (dry run; add --apply)"));
            plan.rendered().forEach(line -> System.out.println("  $ " + line));
        }
    }
}
