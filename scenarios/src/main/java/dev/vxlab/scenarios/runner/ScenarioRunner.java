package dev.vxlab.scenarios.runner;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.AdvertisedViewException;
import dev.vxlab.detectors.advertised.NodeListReader;
import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.fix.FixPlanner;
import dev.vxlab.detectors.model.Exchange;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.RequireAll;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.daemons.Daemon;
import dev.vxlab.lab.daemons.FirewalldConfig;
import dev.vxlab.lab.daemons.NmConfig;
import dev.vxlab.lab.daemons.NodeDaemons;
import dev.vxlab.lab.capture.CaptureAvailability;
import dev.vxlab.lab.capture.CaptureException;
import dev.vxlab.lab.capture.CaptureFile;
import dev.vxlab.lab.capture.CapturePoint;
import dev.vxlab.lab.capture.PacketCapture;
import dev.vxlab.lab.capture.PcapSummary;
import dev.vxlab.lab.doctor.LabDoctor;
import dev.vxlab.lab.pods.MetricsServer;
import dev.vxlab.lab.probe.ConnectivityMatrix;
import dev.vxlab.lab.probe.Probe;
import dev.vxlab.lab.probe.ProbeRequest;
import dev.vxlab.lab.probe.ProbeResult;
import dev.vxlab.lab.probe.ProbeSource;
import dev.vxlab.lab.probe.ProbeTarget;
import dev.vxlab.lab.probe.Prober;
import dev.vxlab.lab.report.Expectation;
import dev.vxlab.lab.report.NodeSystem;
import dev.vxlab.lab.report.RunReport;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.lab.spec.PodPlan;
import dev.vxlab.detectors.action.Applied;
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
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Plays a scenario on a fresh cluster: each step drives the lab (faults, probes, captures) or the doctor (findings,
 * fix plans) and turns what the file expects into report expectations. The runner knows no scenario: everything a
 * run checks is written in the file. A failed expectation does not stop the run; the report shows every step.
 */
public final class ScenarioRunner {
    private final ClusterBackend backend;
    private final Path reportDir;
    private final PrintStream out;
    /** The command whose story this run tells step by step ({@code reproduce}); empty for the terse log of run. */
    private final Optional<String> narratedFor;

    private LabOptions options = LabOptions.DEFAULT;

    /** Without the backend's fast path when {@code options} says so ({@code --no-fast-path}). */
    public ScenarioRunner withOptions(LabOptions labOptions) {
        this.options = labOptions;
        return this;
    }

    /** A runner that logs tersely: each expectation, injection, capture and fix on a line ({@code vxlab run}). */
    public ScenarioRunner(ClusterBackend backend, Path reportDir, PrintStream out) {
        this(backend, reportDir, out, Optional.empty());
    }

    private ScenarioRunner(ClusterBackend backend, Path reportDir, PrintStream out, Optional<String> narratedFor) {
        this.backend = backend;
        this.reportDir = reportDir;
        this.out = out;
        this.narratedFor = narratedFor;
    }

    /**
     * A runner that tells the run as a story (what {@code vxlab reproduce} prints): every step with its time, the
     * commands a person would type, what they showed, and each expectation under the step it judges. The report is
     * titled {@code vxlab COMMAND: DESCRIPTION}; the verdict line is the command's to print.
     */
    public static ScenarioRunner narrated(ClusterBackend backend, Path reportDir, PrintStream out, String command) {
        return new ScenarioRunner(backend, reportDir, out, Optional.of(command));
    }

    /**
     * The scenario on the cluster the backend really made: the same one, unless the backend names its nodes and
     * addresses itself (kind), where the file is read again with the cluster's own names ({@code ClusterRenaming}).
     */
    private Scenario onCluster(Scenario scenario, Lab lab) throws LabException {
        try {
            Scenario renamed = dev.vxlab.scenarios.file.ScenarioParser.onCluster(scenario, lab.spec());
            if (renamed != scenario) {
                out.printf("the %s backend made its own names and addresses: the scenario is read on them (node 0 is %s)%n",
                        backend.name(), lab.spec().nodes().getFirst().name());
            }
            return renamed;
        } catch (dev.vxlab.scenarios.file.ScenarioFileException e) {
            throw new LabException("the scenario does not fit the cluster the " + backend.name() + " backend made: "
                    + e.getMessage(), e);
        }
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
        ReportBuilder report = new ReportBuilder(narratedFor.map(c -> "vxlab " + c)
                .orElse("vxlab run " + scenario.name()), narratedFor.map(c -> out));
        out.printf("%s: %s (%d nodes, %s backend, run %s)%n", narratedFor.map(c -> "vxlab " + c)
                .orElse("vxlab run " + scenario.name()), scenario.description(), scenario.cluster().nodes().size(),
                backend.name(), run.prefix());
        Map<PacketCapture, ScenarioStep.Capture> captures = new LinkedHashMap<>();
        LabException stopped = null;
        try (Lab lab = Lab.start(backend, scenario.cluster(), run, options); LabDoctor doctor = new LabDoctor(lab)) {
            Scenario played = onCluster(scenario, lab);
            Play play = new Play(played, lab, doctor, report, captures);
            play.clusterUp();
            try {
                for (ScenarioStep step : played.steps()) {
                    try {
                        play.step(step);
                    } catch (LabException e) {
                        // A step that cannot run (a command the kernel refuses, a capture that cannot start) ends
                        // the run; the report still shows everything up to it.
                        stopped = new LabException("line " + step.line() + ": " + step.kind() + ": " + e.getMessage(), e);
                        report.expect("line-" + step.line() + "-" + step.kind(), "line " + step.line() + ": "
                                + step.kind() + ": the step runs", "line " + step.line() + ": " + step.kind()
                                + " runs", false, e.getMessage());
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
        if (narratedFor.isPresent()) {
            // The command says its own verdict (reproduced / NOT reproduced).
        } else if (report.passed()) {
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
        /** The last reading of each device counter: "node device counter" to its value. */
        private final Map<String, Long> counters = new LinkedHashMap<>();
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
                case ScenarioStep.StopCaptures stop -> stopCaptures();
                case ScenarioStep.Run run -> run(run);
                case ScenarioStep.Counter counter -> counter(counter);
                case ScenarioStep.AdvertisedMac mac -> advertisedMac(mac);
                case ScenarioStep.Trace trace -> trace(trace);
                case ScenarioStep.Daemon daemon -> daemon(daemon);
            }
        }

        private String title(ScenarioStep step) {
            return "line " + step.line() + ": " + step.kind();
        }

        /** What the step shows, in the file's words ({@code say}) or its own. */
        private String heading(ScenarioStep step, String otherwise) {
            return scenario.say(step).orElse(otherwise);
        }

        /** The phase a matrix or examination of this step belongs to: the file's words, else the step's line. */
        private String phase(ScenarioStep step) {
            return scenario.say(step).orElse(title(step));
        }

        private void expect(ScenarioStep step, String what, boolean held, String evidence) {
            String description = title(step) + ": " + what;
            report.expect("line-" + step.line() + "-" + step.kind(), description, what, held, evidence);
            terse((held ? "  ok      " : "  FAILED  ") + description + (held ? "" : " (" + evidence + ")"));
        }

        /** A line of the terse log; a narrated run tells its steps instead. */
        private void terse(String line) {
            if (narratedFor.isEmpty()) {
                out.println(line);
            }
        }

        /** The cluster as built: each node's lease, where CoreDNS runs, the DNS Service. */
        void clusterUp() {
            var spec = lab.spec();
            List<String> lines = new ArrayList<>();
            for (AdvertisedNode lease : lab.flannel().leases()) {
                lines.add("node %-15s subnet %-15s VtepMAC %s".formatted(lease.name(), lease.podCidr().canonical(),
                        lease.vtepMac()));
            }
            for (PodPlan pod : spec.dnsPods()) {
                lines.add("CoreDNS pod %s on node %s (DNS 53/udp+tcp, metrics :9153, %d-byte body)"
                        .formatted(pod.ip(), pod.node(), MetricsServer.body().length));
            }
            if (!spec.dnsPods().isEmpty()) {
                lines.add("Service kube-dns %s -> %s (nftables DNAT on every node)".formatted(spec.dnsServiceIp(),
                        spec.dnsPods().stream().map(p -> p.ip().toString()).toList()));
            }
            List<NodeSystem> systems = systems();
            systems.forEach(system -> lines.add("node " + system.summary()));
            report.step("cluster up: %d nodes, %d pods, %s VNI %d UDP %d MTU %d".formatted(spec.nodes().size(),
                    spec.pods().size(), spec.vtepDevice(), spec.vni(), spec.vxlanPort(), spec.vxlanMtu()),
                    List.of("uname -r -m"), lines);
            // The backend says where its nodes run; the nodes' own uname has the last word (an arm64 run proves it).
            String declared = lab.cluster().info().architecture();
            List<String> elsewhere = systems.stream().filter(system -> !system.machine().equals(declared))
                    .map(NodeSystem::summary).toList();
            report.expect("cluster-architecture", "every node runs on " + declared + " as the "
                    + lab.cluster().info().name() + " backend says", "every node is " + declared, elsewhere.isEmpty(),
                    elsewhere.isEmpty() ? systems.size() + " nodes: uname -m = " + declared
                            : "uname -m differs: " + String.join("; ", elsewhere));
        }

        /** Each node's {@code uname -r -m}, through its remote: the kernel and machine the dataplane runs on. */
        private List<NodeSystem> systems() {
            List<NodeSystem> systems = new ArrayList<>();
            for (ClusterNode node : lab.cluster().nodes()) {
                CommandResult uname = node.remote().run("uname", "-r", "-m");
                String[] words = uname.stdout().strip().split("\\s+");
                NodeSystem system = uname.ok() && words.length == 2
                        ? new NodeSystem(node.name(), words[1], words[0])
                        : new NodeSystem(node.name(), "unknown", "unknown (uname exited " + uname.exitCode() + ": " + uname.stderr().strip() + ")");
                systems.add(system);
                report.system(system);
            }
            return systems;
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
            report.matrix(phase(step), matrix);
            return matrix;
        }

        private static int total(ConnectivityMatrix matrix) {
            return matrix.sources().size() * matrix.targets().size();
        }

        private void expectHealthy(ScenarioStep.ExpectHealthy step) throws LabException {
            ConnectivityMatrix matrix = matrix(step);
            report.step("probe matrix " + phase(step) + ": " + (total(matrix) - matrix.failures().size()) + "/"
                    + total(matrix) + " ok", List.of(), List.of());
            expect(step, "every probe passes", matrix.allOk(), matrix.allOk() ? "all " + total(matrix)
                    + " probes ok (TCP+HTTP full body, DNS udp/tcp)"
                    : Evidence.list(matrix.failures().stream().map(ProbeResult::summary).toList()));
            Map<String, LabDoctor.Examined> examined = doctor.examine();
            report.examination(phase(step), examined);
            NamedFindings named = NamedFindings.of(examined);
            report.step("vxlab doctor on every node", List.of("vxlab doctor"), examined.values().stream()
                    .map(e -> e.diagnosis().node() + ": " + (e.diagnosis().findings().isEmpty() ? "healthy"
                            : e.diagnosis().findings().size() + " finding(s): " + e.diagnosis().findings().stream()
                                    .map(f -> f.fault() + " " + f.device()).toList())).toList());
            expect(step, "the doctor finds nothing", named.named().isEmpty(), "doctor: " + named.render());
        }

        private void probe(ScenarioStep.Probe step) throws LabException {
            if (step.broken().isPresent()) {
                ConnectivityMatrix matrix = matrix(step);
                CellDiff diff = CellDiff.of(matrix, step.broken().get(), step.ignore());
                List<String> lines = new ArrayList<>(List.of("matrix: " + diff.evidence()));
                if (narratedFor.isPresent()) {
                    lines.addAll(matrix.render().lines().toList());
                }
                report.step("probe matrix " + phase(step) + ": " + matrix.failures().size() + " broken paths",
                        List.of(), lines);
                expect(step, step.broken().get().isEmpty() ? "every cell of the matrix passes"
                        : "the matrix breaks exactly the expected cells", diff.holds(), diff.evidence());
            }
            if (step.checks().isEmpty()) {
                return;
            }
            List<String> lines = new ArrayList<>();
            List<Runnable> verdicts = new ArrayList<>();
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
                    verdicts.add(() -> expect(step, result.probe().describe() + " from " + check.from() + " "
                            + check.expectedVerb() + " (line " + check.line() + ")", check.holds(result.outcome()),
                            result.outcome() + " after " + result.elapsed().toMillis() + " ms"
                                    + (result.detail().isBlank() ? "" : " (" + result.detail() + ")")));
                }
            }
            report.step(heading(step, title(step) + ": single probes"), List.of(), lines);
            verdicts.forEach(Runnable::run);
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
            if (check.url().isPresent()) {
                return check.url().get();
            }
            ProbeTarget target = lab.targets().stream().filter(t -> t.label().equals(check.to())).findFirst()
                    .orElseThrow(() -> new LabException("the lab has no probe target '" + check.to() + "'"));
            if (check.connect() && target.probe() instanceof Probe.HttpGet http) {
                return new Probe.TcpConnect(http.dst(), http.port());
            }
            return target.probe();
        }

        private void inject(ScenarioStep.Inject step) throws LabException {
            List<String> commands = lab.inject(step.fault()).stream().map(Applied::commandLine).toList();
            report.injected(step.fault().id(), step.fault().node());
            report.step(heading(step, title(step) + " " + step.fault().id() + " on node " + step.fault().node()
                    + (step.fault().parameters().isEmpty() ? "" : " " + step.fault().parameters())), commands, List.of());
            terse("  inject  " + step.fault().id() + " on node " + step.fault().node());
        }

        private void capture(ScenarioStep.Capture step) throws LabException {
            CaptureAvailability availability = PacketCapture.available();
            if (!availability.isAvailable() || !lab.cluster().info().has(dev.vxlab.lab.backend.Capability.PACKET_CAPTURE)) {
                if (RequireAll.on()) {
                    // Under CI a skipped capture would skip its expectations too: the run must not pass that way.
                    throw new LabException("tcpdump: packet capture is required here (" + RequireAll.why()
                            + ") but unavailable: " + (availability instanceof CaptureAvailability.Unavailable(
                                    String reason) ? reason : "the " + backend.name() + " backend cannot capture"));
                }
                report.step(title(step) + ": skipped (and its expectations not checked), packet capture is not "
                        + "available here: " + availability, List.of(), List.of());
                terse("  capture skipped: " + availability);
                return;
            }
            ClusterNode node = lab.cluster().node(step.node());
            Path file = reportDir.resolve("line" + step.line() + "-" + node.name() + "-" + step.device() + ".pcap");
            try {
                captures.put(PacketCapture.start(new CapturePoint(node.remote(), step.device(), node.name()), file,
                        step.filter().orElse(null)), step);
            } catch (CaptureException e) {
                throw new LabException("line " + step.line() + ": the capture could not start: " + e.getMessage(), e);
            }
            report.step("tcpdump on " + step.device() + " of node " + node.name(), List.of("tcpdump -nn -e -i "
                    + step.device() + " -w " + file.getFileName() + step.filter().map(f -> " " + f).orElse("")),
                    List.of());
            terse("  capture " + step.device() + " on node " + node.name() + " -> " + file.getFileName());
        }

        /** Stops every capture still running, tells what each saw, and judges what its step expects. */
        void stopCaptures() {
            for (var entry : captures.entrySet()) {
                PacketCapture capture = entry.getKey();
                ScenarioStep.Capture step = entry.getValue();
                try {
                    CaptureFile file = capture.stop();
                    PcapSummary summary = PcapSummary.read(file);
                    report.capture(file.path().getFileName().toString(), file.packetsCaptured() + " packets on "
                            + file.device() + " of node " + file.node(), highlights(summary), summary.render());
                    report.step(heading(step, "capture on " + file.device() + " of node " + file.node()) + " ("
                            + file.packetsCaptured() + " packets)", List.of(), summary.render().lines().limit(8)
                            .toList());
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
                    step.counts().noSynAcksTo().ifPresent(mac -> {
                        int seen = summary.synAcksTo(mac).size();
                        expect(step, "no SYN-ACK arrives addressed to " + mac, seen == 0, seen + " of "
                                + summary.synAcks().size() + " SYN-ACK(s) addressed to " + mac + " in "
                                + file.path().getFileName());
                    });
                    if (step.counts().minSyns() > 0 || step.counts().minSynAcks() > 0) {
                        expect(step, "at least " + step.counts().minSyns() + " SYN(s) and "
                                + step.counts().minSynAcks() + " SYN-ACK(s) are seen: SYNs answered again and again",
                                summary.syns().size() >= step.counts().minSyns()
                                        && summary.synAcks().size() >= step.counts().minSynAcks(),
                                summary.syns().size() + " SYN(s), " + summary.synAcks().size() + " SYN-ACK(s) in "
                                        + file.path().getFileName());
                    }
                } catch (CaptureException e) {
                    report.capture(capture.file().getFileName().toString(), "could not be read: " + e.getMessage(),
                            List.of(), "");
                    if (step.synRetransmissions().isPresent() || step.synAcksTo().isPresent()
                            || step.counts().any()) {
                        expect(step, "the capture can be read", false, e.getMessage());
                    }
                }
            }
            captures.clear(); // stopped; closing them at the end is harmless
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
            report.examination(phase(step), examined);
            NamedFindings named = NamedFindings.of(examined);
            String mismatch = named.mismatch(step.findings());
            List<String> lines = new ArrayList<>();
            for (LabDoctor.Examined e : examined.values()) {
                for (Finding f : e.diagnosis().findings()) {
                    lines.add(f.node() + " " + f.severity().label() + " " + f.fault() + " " + f.device() + ": "
                            + f.summary());
                    lines.add("  expected " + f.expected() + "; actual " + f.actual());
                }
            }
            lines.add("named: " + named.render());
            report.step(heading(step, title(step) + ": the doctor examines every node"), List.of("vxlab doctor"),
                    lines);
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
            List<String> applied = doctor.apply(chosen);
            report.fixes(chosen);
            report.step(heading(step, title(step) + " " + String.join(", ", rendered(chosen))), applied,
                    chosen.stream().map(p -> "fix " + p.fix() + "@" + p.node() + ": " + p.description()).toList());
            expect(step, step.doctorsPlan() ? "the doctor offers a fix plan" : "the doctor's findings call for "
                    + String.join(", ", step.fixIds()), !chosen.isEmpty() && missing.isEmpty(),
                    "the doctor's plan: " + (offered.isEmpty() ? "nothing" : String.join(", ", rendered(offered)))
                            + (missing.isEmpty() ? "" : "; no finding calls for " + String.join(", ", missing)));
            terse("  fix     " + String.join(", ", rendered(chosen)));
            if (step.prove()) {
                ConnectivityMatrix after = matrix(step);
                report.step("probe matrix " + phase(step) + ": " + (total(after) - after.failures().size()) + "/"
                        + total(after) + " ok", List.of(), List.of());
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
            report.step(heading(step, title(step) + " " + step.duration().toMillis() + " ms"), List.of(), List.of());
        }

        private void run(ScenarioStep.Run step) throws LabException {
            CommandResult result = lab.remote(step.node()).run(step.argv());
            String output = (result.ok() ? result.stdout() : result.stderr() + result.stdout()).strip();
            List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
            report.step(heading(step, step.commandLine() + " on node " + step.node()), List.of(step.commandLine()),
                    lines);
            String shown = "`" + step.commandLine() + "` on node " + step.node();
            String evidence = output.isEmpty() ? "(no output)" : Evidence.list(lines);
            for (String text : step.contains()) {
                expect(step, shown + " shows '" + text + "'", output.contains(text), evidence);
            }
            step.matches().ifPresent(regex -> expect(step, shown + " matches /" + regex + "/",
                    Pattern.compile(regex, Pattern.MULTILINE).matcher(output).find(), evidence));
            step.lines().ifPresent(n -> expect(step, shown + " prints " + n + " line(s)", lines.size() == n,
                    lines.size() + " line(s): " + evidence));
        }

        /**
         * The node's real NetworkManager or firewalld: configuration written into the node's own /etc, the daemon
         * started/stopped/restarted/reloaded in its confinement, or its client run against the node's private bus.
         */
        private void daemon(ScenarioStep.Daemon step) throws LabException {
            NodeDaemons daemons = lab.daemons(step.node());
            boolean nm = step.daemon().equals("networkmanager");
            Daemon daemon = nm ? Daemon.NETWORK_MANAGER : Daemon.FIREWALLD;
            String service = nm ? "NetworkManager" : "firewalld";
            List<String> typed = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            if (!step.config().isEmpty()) {
                if (nm) {
                    List<NmConfig> configs = step.config().stream().map(id -> NmConfig.byId(id).orElseThrow()).toList();
                    daemons.configure(configs).forEach((path, text) -> lines.add(path + ": "
                            + text.strip().replace("\n\n", "\n").replace("\n", " ")));
                } else {
                    FirewalldConfig config = FirewalldConfig.parse(step.config().getFirst(), lab.spec().podNetwork());
                    daemons.configure(config);
                    lines.add("/etc/firewalld: " + config.id());
                }
            }
            if (step.action().isPresent()) {
                String action = step.action().get();
                long started = System.nanoTime();
                switch (action) {
                    case "start" -> daemons.start(daemon);
                    case "stop" -> daemons.stop(daemon);
                    case "restart" -> daemons.restart(daemon);
                    default -> {
                        List<String> reload = nm ? List.of("nmcli", "general", "reload") : List.of("firewall-cmd", "--reload");
                        CommandResult result = daemons.run(reload);
                        if (!result.ok()) {
                            throw new LabException(String.join(" ", reload) + " on node " + step.node() + " failed: "
                                    + result.stderr().strip());
                        }
                    }
                }
                typed.add("systemctl " + action + " " + service);
                lines.add(service + " " + action + (action.endsWith("p") ? "ped" : "ed") + " in "
                        + (System.nanoTime() - started) / 1_000_000 + " ms"
                        + (daemons.running(daemon) ? " (confined: node's netns, private mount/UTS ns and bus)" : ""));
            }
            String title = heading(step, step.daemon() + " on node " + step.node()
                    + (step.command().isEmpty() ? step.action().map(a -> ": " + a).orElse(": configured")
                            : ": " + String.join(" ", step.command())));
            if (step.command().isEmpty()) {
                report.step(title, typed, lines);
                return;
            }
            CommandResult result = step.daemon().equals("udev") ? daemons.udev(step.command()) : daemons.run(step.command());
            // nmcli clears its progress line with an escape sequence; the report keeps the text only.
            String output = (result.stdout() + result.stderr()).replace("\u001b[2K", "").strip();
            output.lines().filter(l -> !l.isBlank()).forEach(lines::add);
            typed.add(String.join(" ", step.command()));
            report.step(title, typed, lines);
            String shown = "`" + String.join(" ", step.command()) + "` on node " + step.node();
            expect(step, shown + (step.fails() ? " is refused" : " succeeds"), result.ok() != step.fails(),
                    "exit " + result.exitCode() + (output.isEmpty() ? "" : ": " + Evidence.list(output.lines().toList())));
            for (String text : step.contains()) {
                expect(step, shown + " shows '" + text + "'", output.contains(text),
                        output.isEmpty() ? "(no output)" : Evidence.list(output.lines().toList()));
            }
        }

        private void counter(ScenarioStep.Counter step) throws LabException {
            ClusterNode node = lab.cluster().node(step.node());
            String key = step.node() + " " + step.device() + " " + step.counter();
            String command = "ip -s -s link show dev " + step.device();
            OptionalLong now = NodeFacts.counter(node.remote(), step.device(), step.counter());
            if (now.isEmpty()) {
                counters.remove(key);
                report.step(heading(step, title(step)) + ": " + step.counter() + " is not exposed by this kernel ("
                        + System.getProperty("os.version") + "; rx-otherhost-dropped needs 5.19+), not checked",
                        List.of(command), List.of());
                return;
            }
            Long before = counters.put(key, now.getAsLong());
            if (step.expect().isEmpty() || before == null) {
                report.step(heading(step, title(step) + ": " + step.counter() + " of " + step.device() + " on node "
                        + step.node()), List.of(command), List.of(step.counter() + ": " + now.getAsLong()));
                return;
            }
            long delta = now.getAsLong() - before;
            report.step(heading(step, title(step) + ": " + step.counter() + " of " + step.device() + " on node "
                    + step.node()), List.of(command), List.of(step.counter() + ": " + before + " -> " + now.getAsLong()));
            boolean rises = step.expect().get().equals("rises");
            expect(step, step.device() + "'s " + step.counter() + " counter on node " + step.node()
                    + (rises ? " rises" : " stays steady"), rises ? delta > 0 : delta == 0,
                    (delta >= 0 ? "+" : "") + delta + " (" + before + " -> " + now.getAsLong() + ")");
        }

        /** Read the way the doctor reads a real cluster: the published node list, not the lab's memory. */
        private void advertisedMac(ScenarioStep.AdvertisedMac step) throws LabException {
            String device = lab.spec().vtepDevice();
            Path nodes = lab.flannel().nodeListFile();
            MacAddress published;
            try {
                published = NodeListReader.read(Files.readString(nodes)).byName(step.node())
                        .orElseThrow(() -> new LabException("node " + step.node() + " is not in " + nodes)).vtepMac();
            } catch (IOException | AdvertisedViewException e) {
                throw new LabException("cannot read the published leases " + nodes + ": " + e.getMessage(), e);
            }
            String actual = NodeFacts.deviceMac(lab.cluster().node(step.node()).remote(), device);
            report.step(heading(step, title(step) + ": the advertised VtepMAC and " + device + "'s MAC"),
                    List.of("kubectl get node " + step.node() + " -o jsonpath='{.metadata.annotations}'",
                            "ip link show dev " + device),
                    List.of("advertised (" + nodes.getFileName() + "): flannel.alpha.coreos.com/backend-data: "
                                    + "{\"VtepMAC\":\"" + published + "\"}",
                            device + " on node " + step.node() + ": link/ether " + actual));
            boolean same = published.toString().equals(actual);
            expect(step, step.differs() ? "the advertised VtepMAC differs from " + device + "'s MAC"
                    : "the advertised VtepMAC is " + device + "'s MAC", step.differs() != same,
                    published + (same ? " == " : " != ") + actual);
        }

        /** The doctor's model follows the SYN and its SYN-ACK through fresh snapshots and says where they end. */
        private void trace(ScenarioStep.Trace step) throws LabException {
            Exchange exchange = doctor.model().exchange(step.from(), step.to());
            report.step(heading(step, title(step) + ": where the exchange ends"), List.of("vxlab doctor --trace "
                    + step.from() + " " + step.to()), exchange.render().lines().toList());
            String shown = "the trace from " + step.from() + " to " + step.to();
            step.delivered().ifPresent(wanted -> expect(step, shown + (wanted ? " is delivered" : " fails"),
                    exchange.succeeded() == wanted, exchange.summary()));
            for (String text : step.says()) {
                expect(step, shown + " says '" + text + "'", exchange.summary().contains(text), exchange.summary());
            }
        }
    }
}
