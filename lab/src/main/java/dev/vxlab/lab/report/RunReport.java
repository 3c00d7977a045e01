package dev.vxlab.lab.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What one run did and saw, for machines (report.json) and for people (report.md); pcap files sit beside them.
 *
 * @param matrices connectivity grids by phase ("before", "during vtep-mac-drift", …), rendered as text
 * @param captures pcap file names (relative to the report directory) with their field-report-style rendering
 */
public record RunReport(
        String title,
        String run,
        String backend,
        String profile,
        int nodes,
        String started,
        double seconds,
        boolean passed,
        List<Step> steps,
        List<Expectation> expectations,
        Map<String, String> matrices,
        Map<String, String> captures) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Writes report.json and report.md into the directory (created if needed). */
    public void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        JSON.writeValue(directory.resolve("report.json").toFile(), this);
        Files.writeString(directory.resolve("report.md"), markdown());
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        md.append("Run `").append(run).append("` on the `").append(backend).append("` backend, profile `")
                .append(profile).append("`, ").append(nodes).append(" nodes, started ").append(started)
                .append(", took ").append("%.1f".formatted(seconds)).append(" s. Result: **")
                .append(passed ? "every expectation held" : "an expectation FAILED").append("**.\n\n");
        md.append("## Expectations\n\n");
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
            matrices.forEach((phase, grid) -> md.append("\n### ").append(phase).append("\n\n```\n").append(grid)
                    .append(grid.endsWith("\n") ? "" : "\n").append("```\n"));
        }
        if (!captures.isEmpty()) {
            md.append("\n## Packet captures\n");
            captures.forEach((file, text) -> md.append("\n### [").append(file).append("](").append(file)
                    .append(")\n\n```\n").append(text).append(text.endsWith("\n") ? "" : "\n").append("```\n"));
        }
        return md.toString();
    }
}
