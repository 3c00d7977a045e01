package dev.vxlab.scenarios.runner;

import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.fix.FixPlanner;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.RequireAll;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.capture.CaptureAvailability;
import dev.vxlab.lab.capture.CaptureException;
import dev.vxlab.lab.capture.CaptureFile;
import dev.vxlab.lab.capture.CapturePoint;
import dev.vxlab.lab.capture.PacketCapture;
import dev.vxlab.lab.capture.PcapSummary;
import dev.vxlab.lab.doctor.LabDoctor;
import dev.vxlab.lab.probe.ConnectivityMatrix;
import dev.vxlab.lab.probe.Probe;
import dev.vxlab.lab.probe.ProbeRequest;
import dev.vxlab.lab.probe.ProbeResult;
import dev.vxlab.lab.probe.ProbeSource;
import dev.vxlab.lab.probe.ProbeTarget;
import dev.vxlab.lab.probe.Prober;
import dev.vxlab.lab.report.Expectation;
import dev.vxlab.lab.report.RunReport;
import dev.vxlab.lab.shell.CommandResult;
import dev.vxlab.scenarios.file.MatrixLabels;
import dev.vxlab.scenarios.file.ProbeCheck;
import dev.vxlab.scenarios.file.Scenario;
import dev.vxlab.scenarios.file.ScenarioStep;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays a scenario on a fresh cluster: each step drives the lab (faults, probes, captures) or the doctor (findings,
 * fix plans) and turns what the file expects into report expectations. The runner knows no scenario: everything a
 * run checks is written in the file. A failed expectation does not stop the run; the report shows every step.
 */
public final class ScenarioRunner {
    private final ClusterBackend backend;
    private final Path reportDir;
    private final PrintStream out;

    public ScenarioRunner(ClusterBackend backend, Path reportDir, PrintStream out) {
        this.backend = backend;
        this.reportDir = reportDir;
        this.out = out;
    }

    /**
     * Plays the scenario and writes report.json and report.md (and the pcaps) into the report directory. Throws when
     * the cluster cannot be built or a step cannot run (after writing the report of what ran).
     */
    public ScenarioResult play(Scenario scenario) throws LabException {
        try {
            Files.createDirectories(reportDir);
        } catch (IOException e) {
            throw new LabException("cannot create the report directory " + reportDir + ": " + e.getMessage(), e);
        }
        LabRun run = LabRun.random(reportDir);
        ReportBuilder report = new ReportBuilder();
        out.printf("vxlab run %s: %s (%d nodes, %s backend, run %s)%n", scenario.name(), scenario.description(),
                scenario.cluster().nodes().size(), backend.name(), run.prefix());
        Map<PacketCapture, ScenarioStep.Capture> captures = new LinkedHashMap<>();
        LabException stopped = null;
        try (Lab lab = Lab.start(backend, scenario.cluster(), run); LabDoctor doctor = new LabDoctor(lab)) {
            Play play = new Play(scenario, lab, doctor, report, captures);
            try {
                for (ScenarioStep step : scenario.steps()) {
                    try {
                        play.step(step);
                    } catch (LabException e) {
                        // A step that cannot run (a command the kernel refuses, a capture that cannot start) ends
                        // the run; the report still shows everything up to it.
                        stopped = new LabException("line " + step.line() + ": " + step.kind() + ": " + e.getMessage(), e);
                        report.expect("line-" + step.line() + "-" + step.kind(), "line " + step.line() + ": "
                                + step.kind() + ": the step runs", false, e.getMessage());
                        break;
                    }
                }
            } finally {
                play.stopCaptures();
            }
        } finally {
            captures.keySet().forEach(PacketCapture::close);
        }
        RunReport written = report.write(scenario, run.prefix(), reportDir);
        if (stopped != null) {
            throw stopped;
        }
        List<Expectation> failed = report.failed();
        if (report.passed()) {
            out.printf("passed: %d expectation(s) held. Report: %s%n", written.expectations().size(),
                    reportDir.resolve("report.md"));
        } else {
            out.printf("FAILED: %d of %d expectation(s) did not hold: %s. Report: %s%n", failed.size(),
                    written.expectations().size(), String.join("; ", failed.stream().map(Expectation::description)
                            .toList()), reportDir.resolve("report.md"));
        }
        return new ScenarioResult(report.passed(), failed, written, reportDir);
    }

    /** One playing of one scenario against its running lab. */
    private final class Play {
        private final Scenario scenario;
        private final Lab lab;
        private final LabDoctor doctor;
        private final ReportBuilder report;
        private final Map<PacketCapture, ScenarioStep.Capture> captures;
        private final FixPlanner planner = FixPlanner.load();
        private boolean labelsChecked;

        Play(Scenario scenario, Lab lab, LabDoctor doctor, ReportBuilder report,
                Map<PacketCapture, ScenarioStep.Capture> captures) {
            this.scenario = scenario;
            this.lab = lab;
            this.doctor = doctor;
            this.report = report;
            this.captures = captures;
        }

        void step(ScenarioStep step) throws LabException {
            switch (step) {
                case ScenarioStep.ExpectHealthy healthy -> expectHealthy(healthy);
                case ScenarioStep.Probe probe -> probe(probe);
                case ScenarioStep.Inject inject -> inject(inject);
                case ScenarioStep.Capture capture -> capture(capture);
                case ScenarioStep.Doctor expected -> doctor(expected);
                case ScenarioStep.Fix fix -> fix(fix);
                case ScenarioStep.Wait wait -> sleep(wait);
            }
        }

        private String title(ScenarioStep step) {
            return "line " + step.line() + ": " + step.kind();
        }

        private void expect(ScenarioStep step, String what, boolean held, String evidence) {
            String description = title(step) + ": " + what;
            report.expect("line-" + step.line() + "-" + step.kind(), description, held, evidence);
            out.println((held ? "  ok      " : "  FAILED  ") + description + (held ? "" : " (" + evidence + ")"));
        }

        private ConnectivityMatrix matrix(ScenarioStep step) throws LabException {
            ConnectivityMatrix matrix = lab.matrix(scenario.probeTimeout());
            if (!labelsChecked) {
                MatrixLabels planned = MatrixLabels.of(scenario.cluster());
                List<String> targets = matrix.targets().stream().map(ProbeTarget::label).toList();
                if (!planned.sources().equals(matrix.sources()) || !planned.targets().equals(targets)) {
                    throw new LabException("the lab's matrix labels " + matrix.sources() + " x " + targets
                            + " differ from the ones scenario files are checked against; MatrixLabels needs updating");
                }
                labelsChecked = true;
            }
            report.matrix(title(step), matrix);
            return matrix;
        }

        private void expectHealthy(ScenarioStep.ExpectHealthy step) throws LabException {
            ConnectivityMatrix matrix = matrix(step);
            Map<String, LabDoctor.Examined> examined = doctor.examine();
            report.examination(title(step), examined);
            NamedFindings named = NamedFindings.of(examined);
            report.step(title(step) + ": every path passes and the doctor finds nothing", List.of(),
                    List.of(matrix.failures().size() + " of " + matrix.sources().size() * matrix.targets().size()
                            + " probes failed", "doctor: " + named.render()));
            expect(step, "every probe passes", matrix.allOk(), matrix.allOk() ? "all "
                    + matrix.sources().size() * matrix.targets().size() + " probes ok"
                    : Evidence.list(matrix.failures().stream().map(ProbeResult::summary).toList()));
            expect(step, "the doctor finds nothing", named.named().isEmpty(), "doctor: " + named.render());
        }

        private void probe(ScenarioStep.Probe step) throws LabException {
            List<String> lines = new ArrayList<>();
            if (step.broken().isPresent()) {
                ConnectivityMatrix matrix = matrix(step);
                CellDiff diff = CellDiff.of(matrix, step.broken().get(), step.ignore());
                lines.add("matrix: " + diff.evidence());
                expect(step, step.broken().get().isEmpty() ? "every cell of the matrix passes"
                        : "the matrix breaks exactly the expected cells", diff.holds(), diff.evidence());
            }
            // One concurrent batch per deadline (most checks use the scenario's).
            Map<Duration, List<ProbeCheck>> byTimeout = new LinkedHashMap<>();
            for (ProbeCheck check : step.checks()) {
                byTimeout.computeIfAbsent(check.timeout().orElse(scenario.probeTimeout()), t -> new ArrayList<>())
                        .add(check);
            }
            for (var batch : byTimeout.entrySet()) {
                List<ProbeRequest> requests = new ArrayList<>();
                for (ProbeCheck check : batch.getValue()) {
                    requests.add(new ProbeRequest(source(check.from()), probe(check)));
                }
                List<ProbeResult> results = new Prober(batch.getKey()).runAll(requests);
                for (int i = 0; i < results.size(); i++) {
                    ProbeCheck check = batch.getValue().get(i);
                    ProbeResult result = results.get(i);
                    lines.add(result.summary());
                    expect(step, check.from() + " -> " + check.to() + (check.connect() ? " (connect)" : "") + " is "
                            + check.expected() + " (line " + check.line() + ")", check.holds(result.outcome()),
                            result.summary());
                }
            }
            report.step(title(step), List.of(), lines);
        }

        private ProbeSource source(String label) throws LabException {
            for (ProbeSource source : lab.sources()) {
                if (source.label().equals(label)) {
                    return source;
                }
            }
            throw new LabException("the lab has no probe source '" + label + "'");
        }

        private Probe probe(ProbeCheck check) throws LabException {
            ProbeTarget target = lab.targets().stream().filter(t -> t.label().equals(check.to())).findFirst()
                    .orElseThrow(() -> new LabException("the lab has no probe target '" + check.to() + "'"));
            if (check.connect() && target.probe() instanceof Probe.HttpGet http) {
                return new Probe.TcpConnect(http.dst(), http.port());
            }
            return target.probe();
        }

        private void inject(ScenarioStep.Inject step) throws LabException {
            List<String> commands = lab.inject(step.fault()).stream().map(CommandResult::commandLine).toList();
            report.injected(step.fault().id(), step.fault().node());
            report.step(title(step) + " " + step.fault().id() + " on node " + step.fault().node()
                    + (step.fault().parameters().isEmpty() ? "" : " " + step.fault().parameters()), commands, List.of());
            out.println("  inject  " + step.fault().id() + " on node " + step.fault().node());
        }

        private void capture(ScenarioStep.Capture step) throws LabException {
            CaptureAvailability availability = PacketCapture.available();
            if (!availability.isAvailable() || !lab.cluster().info().packetCapture()) {
                if (RequireAll.on()) {
                    // Under CI a skipped capture would skip its expectations too: the run must not pass that way.
                    throw new LabException("tcpdump: packet capture is required here (" + RequireAll.why()
                            + ") but unavailable: " + (availability instanceof CaptureAvailability.Unavailable(
                                    String reason) ? reason : "the " + backend.name() + " backend cannot capture"));
                }
                report.step(title(step) + ": skipped (and its expectations not checked), packet capture is not "
                        + "available here: " + availability, List.of(), List.of());
                out.println("  capture skipped: " + availability);
                return;
            }
            ClusterNode node = lab.cluster().node(step.node());
            String namespace = node.netnsFile().orElseThrow(() -> new LabException("node " + node.name()
                    + "'s namespace cannot be reached for a capture")).getFileName().toString();
            Path file = reportDir.resolve("line" + step.line() + "-" + node.name() + "-" + step.device() + ".pcap");
            try {
                captures.put(PacketCapture.start(new CapturePoint(namespace, step.device(), node.name()), file,
                        step.filter().orElse(null)), step);
            } catch (CaptureException e) {
                throw new LabException("line " + step.line() + ": the capture could not start: " + e.getMessage(), e);
            }
            report.step(title(step) + " on node " + node.name() + " " + step.device(), List.of("tcpdump -i "
                    + step.device() + " -w " + file.getFileName() + step.filter().map(f -> " " + f).orElse("")),
                    List.of());
            out.println("  capture " + step.device() + " on node " + node.name() + " -> " + file.getFileName());
        }

        void stopCaptures() {
            for (var entry : captures.entrySet()) {
                PacketCapture capture = entry.getKey();
                ScenarioStep.Capture step = entry.getValue();
                try {
                    CaptureFile file = capture.stop();
                    PcapSummary summary = PcapSummary.read(file);
                    report.capture(file.path().getFileName().toString(), file.packetsCaptured() + " packets on "
                            + file.device() + " of node " + file.node(), highlights(summary), summary.render());
                    step.synRetransmissions().ifPresent(wanted -> {
                        int seen = summary.synRetransmissions().size();
                        expect(step, wanted ? "SYNs are retransmitted with the same seq" : "no SYN is retransmitted",
                                wanted == (seen > 0), seen + " SYN(s) retransmitted with the same seq in "
                                        + file.path().getFileName());
                    });
                    step.synAcksTo().ifPresent(mac -> {
                        int seen = summary.synAcksTo(mac).size();
                        expect(step, "SYN-ACKs arrive addressed to " + mac, seen > 0, seen + " of "
                                + summary.synAcks().size() + " SYN-ACK(s) addressed to " + mac + " in "
                                + file.path().getFileName());
                    });
                } catch (CaptureException e) {
                    report.capture(capture.file().getFileName().toString(), "could not be read: " + e.getMessage(),
                            List.of(), "");
                    if (step.synRetransmissions().isPresent() || step.synAcksTo().isPresent()) {
                        expect(step, "the capture can be read", false, e.getMessage());
                    }
                }
            }
        }

        /** What a capture shows, field-report style: retransmitted SYNs and where the SYN-ACKs were addressed. */
        private static List<String> highlights(PcapSummary summary) {
            List<String> lines = new ArrayList<>();
            lines.add(summary.synRetransmissions().size() + " SYN(s) retransmitted with the same seq");
            summary.synAcksByDestinationMac().forEach((mac, acks) ->
                    lines.add(acks.size() + " SYN-ACK(s) addressed to " + mac));
            return lines;
        }

        private void doctor(ScenarioStep.Doctor step) throws LabException {
            Map<String, LabDoctor.Examined> examined = doctor.examine();
            report.examination(title(step), examined);
            NamedFindings named = NamedFindings.of(examined);
            String mismatch = named.mismatch(step.findings());
            report.step(title(step) + ": the doctor examines every node", List.of(), List.of("named: "
                    + named.render()));
            expect(step, step.findings().isEmpty() ? "the doctor names nothing"
                    : "the doctor names exactly " + String.join(", ", step.findings().stream()
                            .map(f -> f.render()).toList()), mismatch.isEmpty(),
                    mismatch.isEmpty() ? "named: " + named.render() : mismatch);
        }

        private void fix(ScenarioStep.Fix step) throws LabException {
            Map<String, LabDoctor.Examined> examined = doctor.examine();
            List<FixPlan> offered = new ArrayList<>();
            examined.values().forEach(e -> offered.addAll(doctor.plan(e)));
            List<FixPlan> chosen = step.doctorsPlan() ? offered : named(step.fixIds(), examined);
            List<String> missing = step.fixIds().stream()
                    .filter(id -> chosen.stream().noneMatch(p -> p.fix().equals(id))).toList();
            expect(step, step.doctorsPlan() ? "the doctor offers a fix plan" : "the doctor's findings call for "
                    + String.join(", ", step.fixIds()), !chosen.isEmpty() && missing.isEmpty(),
                    "the doctor's plan: " + (offered.isEmpty() ? "nothing" : String.join(", ", rendered(offered)))
                            + (missing.isEmpty() ? "" : "; no finding calls for " + String.join(", ", missing)));
            List<String> applied = doctor.apply(chosen);
            report.fixes(chosen);
            report.step(title(step) + " " + String.join(", ", rendered(chosen)), applied, List.of());
            out.println("  fix     " + String.join(", ", rendered(chosen)));
            if (step.prove()) {
                ConnectivityMatrix after = matrix(step);
                expect(step, "traffic proves the fix: every probe passes", after.allOk(), after.allOk()
                        ? "all " + after.sources().size() * after.targets().size() + " probes ok"
                        : Evidence.list(after.failures().stream().map(ProbeResult::summary).toList()));
                if (after.allOk()) {
                    report.healed();
                }
            } else {
                report.healed();
            }
            // Counter findings (otherhost drops) compare with the previous look; a look across the fix would count
            // the drops of before it (servers still retransmitting to the old MAC) against the healed node.
            doctor.examine();
        }

        /** The named fixes for every finding that lists them (not only where the planner ranks them first). */
        private List<FixPlan> named(List<String> ids, Map<String, LabDoctor.Examined> examined) {
            List<FixPlan> plans = new ArrayList<>();
            for (String id : ids) {
                Fix fix = planner.fixes().get(id);
                for (LabDoctor.Examined e : examined.values()) {
                    List<Finding> cures = e.diagnosis().findings().stream().filter(f -> f.fixes().contains(id))
                            .toList();
                    if (fix != null && !cures.isEmpty()) {
                        plans.add(new FixPlan(id, e.input().nodeName(), cures, fix.description(),
                                fix.plan(cures, e.input())));
                    }
                }
            }
            return plans;
        }

        private static List<String> rendered(List<FixPlan> plans) {
            return plans.stream().map(p -> p.fix() + "@" + p.node()).toList();
        }

        private void sleep(ScenarioStep.Wait step) throws LabException {
            try {
                Thread.sleep(step.duration());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while waiting", e);
            }
            report.step(title(step) + " " + step.duration().toMillis() + " ms", List.of(), List.of());
        }
    }
}
