package dev.vxlab.lab.reproduce;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedViewException;
import dev.vxlab.detectors.advertised.NodeListReader;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.model.Exchange;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.lab.capture.CaptureAvailability;
import dev.vxlab.lab.capture.CaptureException;
import dev.vxlab.lab.capture.CaptureFile;
import dev.vxlab.lab.capture.CapturePoint;
import dev.vxlab.lab.capture.PacketCapture;
import dev.vxlab.lab.capture.PcapSummary;
import dev.vxlab.lab.doctor.LabDoctor;
import dev.vxlab.lab.fault.Fault;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.lab.probe.ConnectivityMatrix;
import dev.vxlab.lab.probe.Probe;
import dev.vxlab.lab.probe.ProbeOutcome;
import dev.vxlab.lab.probe.ProbeRequest;
import dev.vxlab.lab.probe.ProbeResult;
import dev.vxlab.lab.probe.ProbeSource;
import dev.vxlab.lab.probe.Prober;
import dev.vxlab.lab.report.AppliedFix;
import dev.vxlab.lab.report.Capture;
import dev.vxlab.lab.report.Examination;
import dev.vxlab.lab.report.FaultWindow;
import dev.vxlab.lab.report.PhaseMatrix;
import dev.vxlab.lab.report.RunReport;
import dev.vxlab.detectors.action.Applied;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import dev.vxlab.lab.spec.PodPlan;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The main job: the field report's outage, replayed on a real kernel. Healthy cluster; flannel.1's MAC drifts on the
 * node with the first subnet; the field's symptoms appear in the field's order; restarting flanneld heals it. Then
 * the second mechanism: NetworkManager deletes flannel.1's address, the kernel drops the routes, flanneld heals it.
 */
public final class FieldBugStory {
    /** Long enough for TCP to retransmit its SYN (after 1 s) while tcpdump watches, as the field's curl did. */
    private static final Duration SYMPTOM_TIMEOUT = Duration.ofMillis(3500);
    private static final Duration MATRIX_TIMEOUT = Duration.ofMillis(1500);

    private final ClusterBackend backend;
    private final int nodeCount;
    private final Path reportDir;
    private final PrintStream out;

    public FieldBugStory(ClusterBackend backend, int nodeCount, Path reportDir, PrintStream out) {
        this.backend = backend;
        this.nodeCount = nodeCount;
        this.reportDir = reportDir;
        this.out = out;
    }

    /** Plays the story; true when every expectation held. The report is written either way. */
    public boolean play() throws LabException {
        ClusterSpec spec;
        try {
            spec = ClusterSpec.field(nodeCount);
        } catch (IllegalArgumentException e) {
            throw new LabException(e.getMessage(), e);
        }
        try {
            java.nio.file.Files.createDirectories(reportDir);
        } catch (IOException e) {
            throw new LabException("cannot create the report directory " + reportDir + ": " + e.getMessage(), e);
        }
        LabRun run = LabRun.random(reportDir);
        Narrator story = new Narrator(out);
        RunReport.Builder report = RunReport.builder("vxlab reproduce: flannel.1 MAC drift (Kylin V10 field report)")
                .run(run.prefix()).backend(backend.name()).profile(spec.profile()).nodes(spec.nodes().size())
                .started(Instant.now());
        out.printf("vxlab reproduce: flannel.1 MAC drift on a %d-node flannel VXLAN cluster (the Kylin V10 field "
                + "report), backend %s, run %s%n", nodeCount, backend.name(), run.prefix());
        try (Lab lab = Lab.start(backend, spec, run); LabDoctor doctor = new LabDoctor(lab)) {
            new Play(lab, doctor, story, report).all();
        } finally {
            writeReport(report.steps(story.steps()).expectations(story.expectations()).build(story.elapsed()));
        }
        if (story.allHeld()) {
            out.printf("%nreproduced: %d of %d expectations held. Report: %s%n", story.expectations().size(),
                    story.expectations().size(), reportDir.resolve("report.html"));
        } else {
            out.printf("%nNOT reproduced: %d expectation(s) failed: %s. Report: %s%n", story.failed().size(),
                    String.join("; ", story.failed().stream().map(e -> e.description()).toList()),
                    reportDir.resolve("report.html"));
        }
        return story.allHeld();
    }

    private void writeReport(RunReport report) throws LabException {
        try {
            report.write(reportDir);
        } catch (IOException e) {
            throw new LabException("cannot write the report to " + reportDir + ": " + e.getMessage(), e);
        }
    }

    /** One playing of the story against a running lab. */
    private final class Play {
        private final Lab lab;
        private final LabDoctor doctor;
        private final Narrator story;
        private final RunReport.Builder report;
        private final ClusterSpec spec;
        private final NodePlan faulty;
        private final ClusterNode faultyNode;
        private final PodPlan target;
        private final String vtep;

        Play(Lab lab, LabDoctor doctor, Narrator story, RunReport.Builder report) throws LabException {
            this.lab = lab;
            this.doctor = doctor;
            this.story = story;
            this.report = report;
            this.spec = lab.spec();
            // The field's faulty node held the pod network's first subnet (10.187.0.0/24).
            this.faulty = spec.nodeOwning(spec.podNetwork().network()).orElse(spec.nodes().getFirst());
            this.faultyNode = lab.cluster().node(faulty.name());
            this.target = spec.dnsPods().getFirst();
            this.vtep = spec.vtepDevice();
        }

        void all() throws LabException {
            clusterUp();
            healthy("before the fault");
            doctorSaysHealthy();
            macDrift();
            healthy("after the flanneld restart");
            addressLoss();
            healthy("after the second flanneld restart");
        }

        private void clusterUp() {
            List<String> lines = new ArrayList<>();
            for (AdvertisedNode lease : lab.flannel().leases()) {
                lines.add("node %-15s subnet %-15s VtepMAC %s".formatted(lease.name(), lease.podCidr().canonical(),
                        lease.vtepMac()));
            }
            for (PodPlan pod : spec.pods()) {
                if (pod.dns()) {
                    lines.add("CoreDNS pod %s on node %s (DNS 53/udp+tcp, metrics :9153, %d-byte body)"
                            .formatted(pod.ip(), pod.node(), dev.vxlab.lab.pods.MetricsServer.body().length));
                }
            }
            lines.add("Service kube-dns %s -> %s (nftables DNAT on every node)".formatted(spec.dnsServiceIp(),
                    spec.dnsPods().stream().map(p -> p.ip().toString()).toList()));
            story.step("cluster up: %d nodes, %d pods, %s VNI %d UDP %d MTU %d".formatted(spec.nodes().size(),
                    spec.pods().size(), vtep, spec.vni(), spec.vxlanPort(), spec.vxlanMtu()), List.of(), lines);
        }

        private void healthy(String phase) throws LabException {
            ConnectivityMatrix matrix = lab.matrix(MATRIX_TIMEOUT);
            report.matrix(PhaseMatrix.of(phase, story.elapsed(), matrix));
            int total = matrix.sources().size() * matrix.targets().size();
            story.step("probe matrix " + phase + ": " + (total - matrix.failures().size()) + "/" + total + " ok",
                    List.of(), List.of());
            story.expect("healthy-" + phase.replace(' ', '-'), "every path healthy " + phase,
                    matrix.allOk(), matrix.allOk() ? total + " probes ok (TCP+HTTP full body, DNS udp/tcp)"
                            : "failing: " + matrix.failures().stream().map(ProbeResult::summary).limit(4).toList());
        }

        private void macDrift() throws LabException {
            MacAddress advertised = lab.flannel().lease(faulty.name()).vtepMac();
            OptionalLong dropsBefore = NodeProbe.otherhostDrops(faultyNode.remote(), vtep).value();

            Optional<Captures> capture = startCaptures();
            Fault drift = new Fault.VtepMacDrift(faulty.name(), Optional.empty());
            double injectedAt = story.elapsed();
            List<Applied> applied = lab.inject(drift);
            String newMac = NodeProbe.deviceMac(faultyNode.remote(), vtep).value();
            story.step("inject vtep-mac-drift on node " + faulty.name() + ": flannel.1's MAC changes after flannel "
                    + "advertised it (" + advertised + " -> " + newMac + ")",
                    applied.stream().map(Applied::commandLine).toList(), List.of());

            symptoms(advertised, newMac);
            capture.ifPresent(c -> analyseCaptures(c, advertised, newMac));
            routeGetStillLocal();
            otherhostDrops(dropsBefore);
            advertisedDiffers(newMac);
            brokenExactlyWhereExpected(drift.id());
            LabDoctor.Examined examined = doctorNames(drift.id(), FaultIds.VTEP_MAC_DRIFT, vtep);
            traceExplains();

            applyFix(examined, "the doctor's fix: restart flanneld on node " + faulty.name() + "; it re-reads "
                    + "flannel.1's MAC, re-publishes it, and every peer re-programs its entries");
            report.fault(new FaultWindow(drift.id(), faulty.name(), injectedAt, story.elapsed()));
            story.expect("flanneld-republished", "flanneld re-published the device's real MAC",
                    lab.flannel().lease(faulty.name()).vtepMac().toString().equals(newMac), "lease VtepMAC is now " + lab.flannel().lease(faulty.name()).vtepMac());
        }

        /** The field's symptoms 1-3: DNS and HTTP from the node (and one of its pods) time out. */
        private void symptoms(MacAddress advertised, String newMac) throws LabException {
            ProbeSource node = lab.fromNode(faulty.name());
            ProbeSource pod = lab.fromPod(spec.podsOn(faulty.name()).getFirst());
            String name = lab.kubernetesName();
            List<ProbeRequest> requests = List.of(
                    new ProbeRequest(node, new Probe.DnsQuery(spec.dnsServiceIp(), name, Probe.DnsQuery.Transport.TCP)),
                    new ProbeRequest(node, new Probe.DnsQuery(spec.dnsServiceIp(), name, Probe.DnsQuery.Transport.UDP)),
                    new ProbeRequest(node, new Probe.HttpGet(spec.dnsServiceIp(), ClusterSpec.METRICS_PORT, "/metrics")),
                    new ProbeRequest(node, Probe.HttpGet.metrics(target.ip())),
                    new ProbeRequest(pod, Probe.HttpGet.metrics(target.ip())));
            List<ProbeResult> results = new Prober(SYMPTOM_TIMEOUT).runAll(requests);
            story.step("the field's symptoms, in its order", List.of(),
                    results.stream().map(r -> r.source() + ": " + r.probe().describe() + " -> " + r.outcome()
                            + (r.detail().isBlank() ? "" : " (" + r.detail() + ")")).toList());
            String[] ids = {"dns-tcp-timeout", "dns-udp-timeout", "service-http-timeout", "pod-http-timeout-node",
                    "pod-http-timeout-pod"};
            for (int i = 0; i < results.size(); i++) {
                ProbeResult r = results.get(i);
                story.expect(ids[i], r.probe().describe() + " from " + r.source() + " times out",
                        r.outcome() == ProbeOutcome.TIMEOUT, r.outcome() + " after " + r.elapsed().toMillis() + " ms");
            }
        }

        private record Captures(PacketCapture source, PacketCapture destination, NodePlan destinationNode) {}

        private Optional<Captures> startCaptures() {
            CaptureAvailability availability = PacketCapture.available();
            if (!availability.isAvailable() || !lab.cluster().info().has(dev.vxlab.lab.backend.Capability.PACKET_CAPTURE)) {
                story.step("packet capture skipped: " + availability, List.of(), List.of());
                return Optional.empty();
            }
            NodePlan destination = spec.node(target.node());
            try {
                PacketCapture src = PacketCapture.start(point(faulty), reportDir.resolve(pcapName(faulty)),
                        "tcp port " + ClusterSpec.METRICS_PORT);
                PacketCapture dst = PacketCapture.start(point(destination), reportDir.resolve(pcapName(destination)),
                        "tcp port " + ClusterSpec.METRICS_PORT);
                story.step("tcpdump on flannel.1 of the source node " + faulty.name() + " and of the destination node "
                        + destination.name(), List.of("tcpdump -nn -e -i " + vtep + " tcp port 9153"), List.of());
                return Optional.of(new Captures(src, dst, destination));
            } catch (CaptureException e) {
                story.step("packet capture could not start: " + e.getMessage(), List.of(), List.of());
                return Optional.empty();
            }
        }

        private CapturePoint point(NodePlan node) {
            ClusterNode n = lab.cluster().nodes().get(node.index());
            String namespace = ((dev.vxlab.detectors.remote.NamespaceRemote) n.remote()).namespace(); // until capture goes through the remote
            return new CapturePoint(namespace, vtep, node.name());
        }

        private String pcapName(NodePlan node) {
            return "node-" + node.name() + "-" + vtep + ".pcap";
        }

        /** Symptoms 4-5 and what the report missed: the SYN-ACKs arrive, addressed to the stale MAC. */
        private void analyseCaptures(Captures c, MacAddress advertised, String newMac) {
            try {
                CaptureFile srcFile = c.source().stop();
                CaptureFile dstFile = c.destination().stop();
                PcapSummary src = PcapSummary.read(srcFile);
                PcapSummary dst = PcapSummary.read(dstFile);
                List<String> srcHighlights = new ArrayList<>();
                src.synRetransmissions().stream().findFirst().ifPresent(r -> srcHighlights.add(
                        "the client retransmits its SYN with the same seq: " + r));
                src.misaddressedSynAcks(MacAddress.parse(newMac)).ifPresent(srcHighlights::add);
                srcHighlights.add(src.syns().size() + " SYNs out, " + src.synAcks().size()
                        + " SYN-ACKs in, none reaches the socket");
                report.capture(new Capture(srcFile.path().getFileName().toString(), "source node " + faulty.name()
                        + ", " + vtep + " (" + srcFile.packetsCaptured() + " packets)", srcHighlights, src.render()));
                report.capture(new Capture(dstFile.path().getFileName().toString(), "destination node "
                        + c.destinationNode().name() + ", " + vtep + " (" + dstFile.packetsCaptured() + " packets)",
                        List.of(dst.syns().size() + " SYNs in, " + dst.synAcks().size()
                                + " SYN-ACKs out, again and again: the destination answers every SYN"),
                        dst.render()));
                story.step("capture at the destination node " + c.destinationNode().name() + " (" + dstFile.packetsCaptured()
                        + " packets)", List.of(), dst.render().lines().limit(6).toList());
                story.expect("destination-sees-syn-and-answers",
                        "the destination sees the SYN and answers with SYN-ACK, again and again",
                        dst.syns().size() >= 2 && dst.synAcks().size() >= 2,
                        dst.syns().size() + " SYNs in, " + dst.synAcks().size() + " SYN-ACKs out");
                story.step("capture at the source node " + faulty.name() + " (" + srcFile.packetsCaptured()
                        + " packets)", List.of(), src.render().lines().limit(8).toList());
                int stale = src.synAcksTo(advertised).size();
                story.expect("synack-to-stale-mac", "SYN-ACKs arrive on flannel.1 addressed to the advertised MAC "
                        + advertised + ", not the device's " + newMac, stale > 0
                                && src.synAcksTo(MacAddress.parse(newMac)).isEmpty(),
                        stale + " SYN-ACKs to " + advertised + ", " + src.synAcksTo(MacAddress.parse(newMac)).size()
                                + " to " + newMac);
                story.expect("syn-retransmitted-same-seq", "the client retransmits its SYN with the same seq",
                        !src.synRetransmissions().isEmpty(), src.synRetransmissions().isEmpty()
                                ? "no retransmitted SYN seen" : src.synRetransmissions().getFirst().toString());
            } catch (CaptureException e) {
                story.expect("capture-read", "the captures could be read", false, e.getMessage());
            }
        }

        /** Symptom 6, the field team's red herring: a node's own flannel.1 address is local, as it should be. */
        private void routeGetStillLocal() {
            var seen = NodeProbe.routeGet(faultyNode.remote(), faulty.vtepAddress().toString());
            story.step("ip route get on the node's own flannel.1 address", List.of(seen.command()),
                    List.of(seen.value()));
            story.expect("route-get-local", "`" + seen.command() + "` still answers local ... dev lo (normal, not the fault)",
                    seen.value().startsWith("local " + faulty.vtepAddress()) && seen.value().contains("dev lo"),
                    seen.value());
        }

        private void otherhostDrops(OptionalLong before) throws LabException {
            var after = NodeProbe.otherhostDrops(faultyNode.remote(), vtep);
            if (before.isEmpty() || after.value().isEmpty()) {
                story.step("otherhost drop counter: not exposed by this kernel (" + System.getProperty("os.version")
                        + "; needs 5.19+)", List.of(after.command()), List.of());
                return;
            }
            long delta = after.value().getAsLong() - before.getAsLong();
            story.step("the kernel counts the misaddressed frames it dropped", List.of(after.command()),
                    List.of("RX otherhost dropped: " + before.getAsLong() + " -> " + after.value().getAsLong()));
            story.expect("otherhost-drops-rise", "flannel.1's otherhost drop counter rises", delta > 0,
                    "+" + delta + " frames dropped as not addressed to this host");
        }

        /** Read the way the doctor reads a real cluster: the published NodeList, not the lab's memory. */
        private void advertisedDiffers(String newMac) throws LabException {
            java.nio.file.Path nodes = lab.flannel().nodeListFile();
            MacAddress published;
            try {
                published = NodeListReader.read(java.nio.file.Files.readString(nodes)).byName(faulty.name())
                        .orElseThrow().vtepMac();
            } catch (IOException | AdvertisedViewException e) {
                throw new LabException("cannot read the published leases " + nodes + ": " + e.getMessage(), e);
            }
            story.step("what the field report missed: the advertised VtepMAC is not the device's MAC",
                    List.of("kubectl get node " + faulty.name() + " -o jsonpath='{.metadata.annotations}'",
                            "ip link show dev " + vtep),
                    List.of("advertised (" + nodes.getFileName() + "): flannel.alpha.coreos.com/backend-data: "
                                    + "{\"VtepMAC\":\"" + published + "\"}",
                            "flannel.1 on node " + faulty.name() + ": link/ether " + newMac));
            story.expect("advertised-differs", "the advertised VtepMAC differs from flannel.1's MAC",
                    !published.toString().equals(newMac), published + " != " + newMac);
        }

        /** Exactly the paths that cross the faulty node's VXLAN device break; everything else keeps working. */
        private void brokenExactlyWhereExpected(String faultId) throws LabException {
            ConnectivityMatrix matrix = lab.matrix(MATRIX_TIMEOUT);
            report.matrix(PhaseMatrix.of(during(faultId), story.elapsed(), matrix));
            List<String> wrong = new ArrayList<>();
            for (int s = 0; s < matrix.sources().size(); s++) {
                for (int t = 0; t < matrix.targets().size(); t++) {
                    ProbeResult cell = matrix.cells().get(s).get(t);
                    boolean expectBroken = crossesFaultyNode(matrix.sources().get(s), matrix.targets().get(t).label());
                    if (cell.ok() == expectBroken) {
                        wrong.add(cell.summary());
                    }
                }
            }
            story.step("probe matrix " + during(faultId) + ": " + matrix.failures().size() + " broken paths", List.of(),
                    matrix.render().lines().toList());
            story.expect("broken-exactly-cross-node" + (faultId.equals(FaultIds.VTEP_MAC_DRIFT) ? "" : "-" + faultId),
                    "exactly the paths into or out of node " + faulty.name()
                    + " across VXLAN are broken (" + faultId + ")", wrong.isEmpty(), wrong.isEmpty()
                            ? matrix.failures().size() + " broken, all through " + faulty.name() + "'s " + vtep
                            : "unexpected: " + wrong.stream().limit(4).toList());
        }

        /** The phase name of a fault on the faulty node, as the report's grids and findings say it. */
        private String during(String faultId) {
            return "during " + faultId + " on " + faulty.name();
        }

        private boolean crossesFaultyNode(String source, String target) {
            boolean fromFaulty = source.endsWith(" " + faulty.name()) || source.endsWith("@" + faulty.name());
            if (target.startsWith("dns/")) {
                // The DNS pods never run on the faulty node, so DNS breaks exactly for the faulty node's sources.
                return fromFaulty;
            }
            boolean toFaulty = target.endsWith("@" + faulty.name());
            return fromFaulty != toFaulty;
        }

        /** The baseline examination: no finding anywhere, and the snapshots later counter rates compare against. */
        private void doctorSaysHealthy() throws LabException {
            Map<String, LabDoctor.Examined> all = doctor.examine();
            List<String> unhealthy = all.values().stream().filter(e -> !e.diagnosis().findings().isEmpty())
                    .map(e -> e.diagnosis().node() + ": " + e.diagnosis().findings().stream().map(Finding::fault).toList())
                    .toList();
            story.step("vxlab doctor on every node", List.of("vxlab doctor"), all.values().stream()
                    .map(e -> e.diagnosis().node() + ": " + (e.diagnosis().findings().isEmpty() ? "healthy"
                            : e.diagnosis().findings().size() + " finding(s)")).toList());
            report.examination(new Examination("before the fault", story.elapsed(), List.copyOf(all.keySet()),
                    all.values().stream().flatMap(e -> e.diagnosis().findings().stream()).toList()));
            story.expect("doctor-healthy-before", "the doctor finds nothing on a healthy cluster", unhealthy.isEmpty(),
                    unhealthy.isEmpty() ? all.size() + " nodes healthy" : unhealthy.toString());
        }

        /** The doctor must name the injected fault on the faulty node and device, and nothing on any other node. */
        private LabDoctor.Examined doctorNames(String injected, String fault, String device) throws LabException {
            Map<String, LabDoctor.Examined> all = doctor.examine();
            report.examination(new Examination(during(injected), story.elapsed(), List.copyOf(all.keySet()),
                    all.values().stream().flatMap(e -> e.diagnosis().findings().stream()).toList()));
            LabDoctor.Examined mine = all.get(faulty.name());
            List<String> lines = new ArrayList<>();
            for (Finding f : mine.diagnosis().findings()) {
                lines.add(f.severity().label() + " " + f.fault() + " " + f.device() + ": " + f.summary());
                lines.add("  expected " + f.expected() + "; actual " + f.actual());
            }
            List<String> elsewhere = all.values().stream().filter(e -> !e.diagnosis().node().equals(faulty.name()))
                    .flatMap(e -> e.diagnosis().findings().stream())
                    .map(f -> f.node() + " " + f.fault()).toList();
            story.step("vxlab doctor names the fault", List.of("vxlab doctor --node " + faulty.name()), lines);
            boolean named = mine.diagnosis().findings().stream()
                    .anyMatch(f -> f.fault().equals(fault) && f.device().equals(device));
            story.expect("doctor-names-" + fault, "the doctor names " + fault + " on " + faulty.name() + " " + device
                    + " and nothing elsewhere", named && elsewhere.isEmpty(), named
                            ? (elsewhere.isEmpty() ? "named, before any fix" : "but also: " + elsewhere)
                            : "found " + mine.diagnosis().findings().stream().map(Finding::fault).toList());
            return mine;
        }

        /** The model follows the SYN and its SYN-ACK through the snapshots and says where the reply dies. */
        private void traceExplains() throws LabException {
            Exchange exchange = doctor.model().exchange(faulty.name(), target.ip());
            story.step("vxlab doctor --trace: where the reply dies", List.of("vxlab doctor --trace " + faulty.name()
                    + " " + target.ip()), exchange.render().lines().toList());
            story.expect("trace-otherhost", "the trace says the SYN-ACK is dropped as otherhost on " + faulty.name(),
                    !exchange.succeeded() && exchange.summary().contains("otherhost")
                            && exchange.summary().contains(faulty.name()), exchange.summary());
        }

        /** Applies the doctor's plan for the faulty node; the next probe matrix is what proves it. */
        private void applyFix(LabDoctor.Examined examined, String title) throws LabException {
            List<FixPlan> plans = doctor.plan(examined);
            List<String> ran = doctor.apply(plans);
            double at = story.elapsed();
            plans.forEach(p -> report.fix(AppliedFix.of(p, at)));
            story.step(title, ran, plans.stream().map(p -> "fix " + p.fix() + ": " + p.description()).toList());
        }

        /** The second mechanism (field step 7): NetworkManager deletes flannel.1's address; the routes go with it. */
        private void addressLoss() throws LabException {
            var before = NodeProbe.routesVia(faultyNode.remote(), vtep);
            Fault loss = new Fault.VtepAddressRemoved(faulty.name());
            double injectedAt = story.elapsed();
            List<Applied> applied = lab.inject(loss);
            var after = NodeProbe.routesVia(faultyNode.remote(), vtep);
            var get = NodeProbe.routeGet(faultyNode.remote(), faulty.vtepAddress().toString());
            story.step("inject vtep-address-removed on node " + faulty.name() + ": NetworkManager re-applies flannel.1 "
                    + "and deletes its address; the kernel drops every route through it",
                    applied.stream().map(Applied::commandLine).toList(),
                    List.of(before.command() + ": " + before.value().size() + " routes before, "
                            + after.value().size() + " after", get.command() + ": " + get.value()));
            story.expect("routes-gone", "the routes to the peers' subnets are gone",
                    before.value().size() == spec.nodes().size() - 1 && after.value().isEmpty(),
                    before.value().size() + " -> " + after.value().size() + " routes via " + vtep);
            ProbeResult curl = new Prober(MATRIX_TIMEOUT).run(lab.fromNode(faulty.name()),
                    Probe.HttpGet.metrics(target.ip()));
            story.expect("routes-gone-breaks-traffic", "curl to " + target.ip() + " from node " + faulty.name() + " fails",
                    !curl.ok(), curl.outcome() + (curl.detail().isBlank() ? "" : " (" + curl.detail() + ")"));

            brokenExactlyWhereExpected(loss.id());
            LabDoctor.Examined examined = doctorNames(loss.id(), FaultIds.VTEP_ADDRESS_MISSING, vtep);
            applyFix(examined, "the doctor's fix: restart flanneld on node " + faulty.name()
                    + "; the address and routes come back");
            report.fault(new FaultWindow(loss.id(), faulty.name(), injectedAt, story.elapsed()));
            var healed = NodeProbe.routesVia(faultyNode.remote(), vtep);
            story.step("after the fix", List.of(healed.command()), List.of(healed.value().toString()));
            story.expect("routes-back", "flanneld restored every route to the peers",
                    healed.value().size() == spec.nodes().size() - 1, healed.value().size() + " routes via " + vtep);
        }
    }
}
