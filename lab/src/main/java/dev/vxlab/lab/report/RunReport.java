package dev.vxlab.lab.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vxlab.detectors.spi.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one run did and saw: report.json for machines, report.md and report.html for people; pcap files sit beside
 * them. Build one with {@link #builder(String)}:
 * <pre>{@code
 * RunReport report = RunReport.builder("field bug on 3 nodes")
 *         .run("vx3f2a9c").backend("netns").profile("field").nodes(3).started(Instant.now())
 *         .step(new Step("inject vtep-mac-drift", 1.2, commands, lines))
 *         .expectation(new Expectation("dns-timeout", "DNS times out", true, "TIMEOUT after 3500 ms"))
 *         .fault(new FaultWindow("vtep-mac-drift", "172.31.159.19", 1.2, 7.4))
 *         .matrix(PhaseMatrix.of("during vtep-mac-drift", 7.0, connectivityMatrix))
 *         .examination(new Examination("during vtep-mac-drift", 7.1, nodes, findings))
 *         .fix(AppliedFix.of(plan, 7.4))
 *         .capture(new Capture("node-0-flannel.1.pcap", "source node 0, flannel.1", highlights, summary.render()))
 *         .build(9.3);
 * report.write(directory);
 * }</pre>
 * The JSON is this record's components by name, in this order; lists keep the order they were added in.
 *
 * @param systems      each node's architecture and kernel, as the node itself said
 * @param started      when the run started, ISO-8601
 * @param seconds      how long it took; every {@code atSeconds} in the report counts from its start
 * @param passed       whether every expectation held (and there was at least one)
 * @param faults       when each injected fault was in place
 * @param matrices     connectivity matrices by phase, in the order they were measured
 * @param examinations what the doctor said, in order
 * @param fixes        the fixes applied, in order
 * @param captures     the pcap files with their field-report-style rendering
 */
public record RunReport(
        String title,
        String run,
        String backend,
        String profile,
        int nodes,
        List<NodeSystem> systems,
        String started,
        double seconds,
        boolean passed,
        List<Step> steps,
        List<Expectation> expectations,
        List<FaultWindow> faults,
        List<PhaseMatrix> matrices,
        List<Examination> examinations,
        List<AppliedFix> fixes,
        List<Capture> captures) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public RunReport {
        systems = List.copyOf(systems);
        steps = List.copyOf(steps);
        expectations = List.copyOf(expectations);
        faults = List.copyOf(faults);
        matrices = List.copyOf(matrices);
        examinations = List.copyOf(examinations);
        fixes = List.copyOf(fixes);
        captures = List.copyOf(captures);
    }

    public static Builder builder(String title) {
        return new Builder(title);
    }

    /** Writes report.json, report.md and report.html into the directory (created if needed). */
    public void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        JSON.writeValue(directory.resolve("report.json").toFile(), this);
        Files.writeString(directory.resolve("report.md"), markdown());
        Files.writeString(directory.resolve("report.html"), html());
    }

    /** The self-contained page: inline CSS and SVG, nothing fetched, no script needed. */
    public String html() {
        return HtmlReport.render(this);
    }

    /** The expectation with this id, if the run recorded one. */
    public java.util.Optional<Expectation> expectation(String id) {
        return expectations.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        md.append("Run `").append(run).append("` on the `").append(backend).append("` backend, profile `")
                .append(profile).append("`, ").append(nodes).append(" nodes, started ").append(started)
                .append(", took ").append("%.1f".formatted(seconds)).append(" s. Result: **")
                .append(passed ? "every expectation held" : "an expectation FAILED").append("**.\n\n");
        for (NodeSystem system : systems) {
            md.append("- node ").append(system.summary()).append('\n');
        }
        md.append(systems.isEmpty() ? "" : "\n");
        for (FaultWindow f : faults) {
            md.append("- fault `").append(f.fault()).append("` on ").append(f.node()).append(" from ")
                    .append("%.1f".formatted(f.fromSeconds())).append(" s to ").append("%.1f".formatted(f.toSeconds()))
                    .append(" s\n");
        }
        md.append(faults.isEmpty() ? "" : "\n").append("## Expectations\n\n");
        for (Expectation e : expectations) {
            md.append("- [").append(e.held() ? "x" : " ").append("] **").append(e.description()).append("**  \n  ")
                    .append(e.evidence()).append('\n');
        }
        md.append("\n## Steps\n");
        for (Step step : steps) {
            md.append("\n### ").append(step.title()).append(" (at ").append("%.1f".formatted(step.atSeconds()))
                    .append(" s)\n\n");
            if (!step.commands().isEmpty()) {
                md.append("```console\n");
                step.commands().forEach(c -> md.append("$ ").append(c).append('\n'));
                md.append("```\n\n");
            }
            step.lines().forEach(l -> md.append("- ").append(l).append('\n'));
        }
        if (!matrices.isEmpty()) {
            md.append("\n## Connectivity\n");
            for (PhaseMatrix m : matrices) {
                md.append("\n### ").append(m.phase()).append(" (at ").append("%.1f".formatted(m.atSeconds()))
                        .append(" s): ").append(m.size() - m.broken()).append('/').append(m.size())
                        .append(" ok\n\n```\n").append(m.render()).append("```\n");
            }
        }
        if (!examinations.isEmpty()) {
            md.append("\n## Doctor\n");
            for (Examination x : examinations) {
                md.append("\n### ").append(x.phase()).append(" (at ").append("%.1f".formatted(x.atSeconds()))
                        .append(" s)\n\n");
                if (x.findings().isEmpty()) {
                    md.append("No findings on ").append(String.join(", ", x.nodes())).append(".\n");
                }
                for (Finding f : x.findings()) {
                    md.append("- **").append(f.severity().label()).append(" `").append(f.fault()).append("`** on ")
                            .append(f.node()).append(f.device().isEmpty() ? "" : " " + f.device()).append(": ")
                            .append(f.summary()).append("  \n  expected ").append(f.expected()).append("; actual ")
                            .append(f.actual()).append('\n');
                }
            }
        }
        if (!fixes.isEmpty()) {
            md.append("\n## Fixes applied\n");
            for (AppliedFix fix : fixes) {
                md.append("\n### `").append(fix.fix()).append("` on ").append(fix.node()).append(" (at ")
                        .append("%.1f".formatted(fix.atSeconds())).append(" s)\n\n").append(fix.description())
                        .append("\n\n```console\n");
                fix.commands().forEach(c -> md.append("$ ").append(c).append('\n'));
                md.append("```\n");
            }
        }
        if (!captures.isEmpty()) {
            md.append("\n## Packet captures\n");
            for (Capture c : captures) {
                md.append("\n### [").append(c.file()).append("](").append(c.file()).append(")\n\n")
                        .append(c.title()).append("\n\n");
                c.highlights().forEach(h -> md.append("- ").append(h).append('\n'));
                md.append("\n```\n").append(c.packets()).append(c.packets().endsWith("\n") ? "" : "\n")
                        .append("```\n");
            }
        }
        return md.toString();
    }

    /** Collects a report while a run goes on; {@link #build} closes it. Not thread-safe. */
    public static final class Builder {
        private final String title;
        private String run = "";
        private String backend = "";
        private String profile = "";
        private int nodes;
        private final List<NodeSystem> systems = new ArrayList<>();
        private String started = Instant.EPOCH.toString();
        private final List<Step> steps = new ArrayList<>();
        private final List<Expectation> expectations = new ArrayList<>();
        private final List<FaultWindow> faults = new ArrayList<>();
        private final List<PhaseMatrix> matrices = new ArrayList<>();
        private final List<Examination> examinations = new ArrayList<>();
        private final List<AppliedFix> fixes = new ArrayList<>();
        private final List<Capture> captures = new ArrayList<>();

        private Builder(String title) {
            this.title = title;
        }

        public Builder run(String run) {
            this.run = run;
            return this;
        }

        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        public Builder profile(String profile) {
            this.profile = profile;
            return this;
        }

        public Builder nodes(int nodes) {
            this.nodes = nodes;
            return this;
        }

        public Builder system(NodeSystem system) {
            systems.add(system);
            return this;
        }

        public Builder started(Instant started) {
            this.started = started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
            return this;
        }

        public Builder step(Step step) {
            steps.add(step);
            return this;
        }

        public Builder steps(List<Step> more) {
            steps.addAll(more);
            return this;
        }

        public Builder expectation(Expectation expectation) {
            expectations.add(expectation);
            return this;
        }

        public Builder expectations(List<Expectation> more) {
            expectations.addAll(more);
            return this;
        }

        public Builder fault(FaultWindow fault) {
            faults.add(fault);
            return this;
        }

        public Builder matrix(PhaseMatrix matrix) {
            matrices.add(matrix);
            return this;
        }

        public Builder examination(Examination examination) {
            examinations.add(examination);
            return this;
        }

        public Builder fix(AppliedFix fix) {
            fixes.add(fix);
            return this;
        }

        public Builder capture(Capture capture) {
            captures.add(capture);
            return this;
        }

        /** The report of a run that took this many seconds; it passed when every expectation (of at least one) held. */
        public RunReport build(double seconds) {
            boolean passed = !expectations.isEmpty() && expectations.stream().allMatch(Expectation::held);
            return new RunReport(title, run, backend, profile, nodes, systems, started, seconds, passed, steps, expectations,
                    faults, matrices, examinations, fixes, captures);
        }
    }
}
