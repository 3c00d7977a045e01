package dev.vxlab.lab.cli;

import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.model.Exchange;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.doctor.LabDoctor;
import dev.vxlab.lab.probe.ConnectivityMatrix;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.cluster.ClusterCorrelation;
import dev.vxlab.detectors.cluster.ClusterReport;
import dev.vxlab.detectors.cluster.NodeObservation;
import dev.vxlab.nodedoctor.ClusterDoctorRun;
import dev.vxlab.nodedoctor.DiagnosisPrinter;
import dev.vxlab.nodedoctor.NodeDoctorException;
import dev.vxlab.nodedoctor.NodeDoctorRun;
import dev.vxlab.nodedoctor.NodeOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "doctor", description = {
        "Examine nodes for the faults host network managers cause to flannel's VXLAN dataplane, and fix them.",
        "On a lab: vxlab doctor [--lab NAME] [--node N] [--json] [--fix [--apply]]",
        "On a real node: vxlab doctor (--host | --netns NAME) --node-name NAME --nodes NODES.json "
                + "[--subnet-env FILE] [--json] [--fix [--skip-fix FIX] [--apply]] [--watch] [--npd]",
        "The cluster view: vxlab doctor --all [--json] on a lab (every node's snapshot), or on a real cluster "
                + "vxlab doctor --all --nodes NODES.json --diagnoses FILE,... (each node's doctor --json).",
        "Exit codes: 0 healthy, 1 findings, 2 bad input or environment."})
final class DoctorCommand extends InLabCommand {

    /** The real node's options (--host/--netns, --node-name, --nodes, ...) and --json, --fix, --apply, --watch. */
    @Mixin
    NodeOptions options;

    @Option(names = "--node", paramLabel = "NODE", description = "On a lab: only this node (name, IP or index).")
    String node;

    @Option(names = "--trace", arity = "2", paramLabel = "SRC DST", description = "On a lab: follow a TCP exchange "
            + "from SRC (a node, a pod like app@NODE, or a pod IP) to the IP DST, hop by hop, and say where it dies.")
    List<String> trace;

    @Option(names = "--all", description = "The cluster view: correlate every node (duplicate VtepMACs and public "
            + "IPs, which node drifted, which peers merely hold its old MAC, the order to fix them in).")
    boolean all;

    @Option(names = "--diagnoses", paramLabel = "FILE", split = ",", description = "With --all on a real cluster: "
            + "each node's 'vxlab doctor --host --json' output, one file per node.")
    List<Path> diagnoses;

    @Override
    boolean worksWithoutLab() {
        return options.aimsAtANode() || diagnoses != null;
    }

    /** The doctor on a real node lives in the node-doctor module (no lab); this only hands it the options. */
    @Override
    int actWithoutLab() throws LabException {
        try {
            if (all || diagnoses != null) {
                if (!all || options.where != null || options.nodeName != null || options.fix) {
                    throw new LabException("the cluster view on a real cluster is --all --nodes NODES.json "
                            + "--diagnoses FILE,... (no --host, --netns, --node-name or --fix)");
                }
                return ClusterDoctorRun.run(options.nodesFile, diagnoses, options.json, System.out);
            }
            return NodeDoctorRun.run(options, System.out);
        } catch (NodeDoctorException e) {
            throw new LabException(e.getMessage(), e);
        }
    }

    @Override
    int act(Lab lab) throws LabException {
        if (options.apply && !options.fix) {
            throw new LabException("--apply goes with --fix");
        }
        if (options.watch) {
            throw new LabException("--watch is for a real node (--host or --netns); on a lab, run 'vxlab doctor' again");
        }
        try (LabDoctor doctor = new LabDoctor(lab)) {
            if (all) {
                if (trace != null || node != null || options.fix) {
                    throw new LabException("--all examines every node; it goes without --node, --trace and --fix");
                }
                return cluster(doctor);
            }
            return trace != null ? trace(lab, doctor) : examine(lab, doctor);
        }
    }

    /** Every node's snapshot, correlated: the per-node diagnoses, then what only the whole cluster shows. */
    private int cluster(LabDoctor doctor) throws LabException {
        Map<String, LabDoctor.Examined> all = doctor.examine();
        List<NodeObservation> observations = new ArrayList<>();
        ClusterView view = null;
        for (LabDoctor.Examined e : all.values()) {
            view = e.input().advertised();
            observations.add(NodeObservation.ofSnapshot(e.input().nodeName(), e.input().current(),
                    e.input().flannel()));
        }
        ClusterReport report = ClusterCorrelation.correlate(view, observations);
        if (options.json) {
            System.out.println(report.toJson());
        } else {
            new DiagnosisPrinter(System.out, false).diagnoses(all.values().stream()
                    .map(LabDoctor.Examined::diagnosis).toList());
            System.out.print(report.toText());
        }
        boolean healthy = all.values().stream().allMatch(e -> e.diagnosis().healthy());
        return healthy && report.consistent() ? Main.OK : Main.FAILED;
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
        DiagnosisPrinter printer = new DiagnosisPrinter(System.out, options.json);
        printer.diagnoses(all.values().stream().map(LabDoctor.Examined::diagnosis).toList());
        // Said once per node, and off the JSON on stdout.
        doctor.takeFirewallNotes().forEach(note -> (options.json ? System.err : System.out).println("note: " + note));
        if (!options.fix) {
            return all.values().stream().allMatch(e -> e.diagnosis().healthy()) ? Main.OK : Main.FAILED;
        }
        List<FixPlan> plans = new ArrayList<>();
        all.values().forEach(e -> plans.addAll(doctor.plan(e)));
        printer.plans(plans, options.apply);
        if (!options.apply || plans.isEmpty()) {
            return plans.isEmpty() ? Main.OK : Main.FAILED;
        }
        doctor.apply(plans).forEach(line -> System.out.println("  applied: " + line));
        // A fix is done only when traffic says so: every node and pod against every pod and cluster DNS.
        ConnectivityMatrix matrix = lab.matrix(LabDoctor.VERIFY_TIMEOUT);
        int total = matrix.sources().size() * matrix.targets().size();
        System.out.printf("verified by traffic: %d/%d probes ok%n", total - matrix.failures().size(), total);
        matrix.failures().forEach(f -> System.out.println("  still broken: " + f.summary()));
        return matrix.allOk() ? Main.OK : Main.FAILED;
    }
}
