package dev.vxlab.lab.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.Severity;
import dev.vxlab.lab.probe.ProbeOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html from a report built in code: escaping, and that every part of the run shows up on the page. */
class HtmlReportTest {
    /** Text a scenario file, a node name or a command's output could carry: it must stay text. */
    private static final String HOSTILE = "<script>alert(\"x\")</script> & 'quoted' <img src=x onerror=alert(1)>";

    private static PhaseMatrix matrix(String phase, double at, ProbeOutcome crossNode) {
        List<String> sources = List.of("node a", "node " + HOSTILE);
        List<PhaseMatrix.Target> targets = List.of(new PhaseMatrix.Target("pod@a", "curl http://10.0.0.2:9153/metrics"),
                new PhaseMatrix.Target("pod@b", "curl http://10.0.1.2:9153/metrics?q=<b>&x=\"1\""));
        PhaseMatrix.Cell ok = new PhaseMatrix.Cell(ProbeOutcome.OK, "200, 19491 bytes", 3);
        PhaseMatrix.Cell cross = new PhaseMatrix.Cell(crossNode, crossNode == ProbeOutcome.OK ? "200, 19491 bytes"
                : "no TCP connection within 1500 ms <&>", 1502);
        return new PhaseMatrix(phase, at, sources, targets, List.of(List.of(ok, cross), List.of(cross, ok)));
    }

    private static RunReport report() {
        Finding drift = new Finding("vtep-mac-drift", "node " + HOSTILE, "flannel.1",
                "flannel.1 link/ether ea:77:37:86:ee:bf (advertised VtepMAC)", "flannel.1 link/ether <b6:9b>",
                "peers send replies to the old MAC " + HOSTILE, Severity.CRITICAL, List.of("flannel-resync"));
        Finding risk = new Finding("nm-manages-vtep", "node a", Finding.NODE_WIDE, "unmanaged", "managed",
                "NetworkManager may touch flannel.1", Severity.RISK, List.of());
        return RunReport.builder("a run " + HOSTILE)
                .run("vx123456").backend("netns").profile("field").nodes(2).started(Instant.parse("2026-01-02T03:04:05Z"))
                .system(new NodeSystem("node a", "aarch64", "6.1.0-28-arm64 " + HOSTILE))
                .system(new NodeSystem("node b", "aarch64", "6.1.0-28-arm64 " + HOSTILE))
                .step(new Step("cluster up", 0.5, List.of(), List.of("node a", "node b")))
                .step(new Step("inject " + HOSTILE, 1.0, List.of("ip link set dev flannel.1 address " + HOSTILE),
                        List.of(), List.of("broken")))
                .step(new Step("probe matrix", 2.0, List.of(), List.of("line " + HOSTILE), List.of("healthy-after")))
                .expectation(new Expectation("broken", "the path breaks " + HOSTILE, true, "TIMEOUT " + HOSTILE))
                .expectation(new Expectation("healthy-after", "healthy after the fix", false, "1 failing"))
                .fault(new FaultWindow("vtep-mac-drift", "node a", 0.9, 1.8))
                .matrix(matrix("before " + HOSTILE, 0.6, ProbeOutcome.OK))
                .matrix(matrix("during vtep-mac-drift", 1.2, ProbeOutcome.TIMEOUT))
                .matrix(matrix("after", 2.0, ProbeOutcome.OK))
                .examination(new Examination("before", 0.7, List.of("node a", "node b"), List.of()))
                .examination(new Examination("during vtep-mac-drift", 1.3, List.of("node a", "node b"),
                        List.of(risk, drift)))
                .fix(new AppliedFix("flannel-resync", "node a", 1.8, "restart flanneld " + HOSTILE,
                        List.of("vtep-mac-drift"), List.of("kubectl -n kube-flannel delete pod -l app=flannel " + HOSTILE)))
                .capture(new Capture("node-a-flannel.1.pcap", "source node a", List.of("SYN resent " + HOSTILE),
                        "12:00:00.000001 b6:9b > ea:77, 10.0.0.0.4 > 10.0.1.2.9153: Flags [S] <x>"))
                .capture(new Capture("javascript:alert(1)", "a name that is not a plain file", List.of(), "none"))
                .build(2.5);
    }

    @Test
    void userTextIsEscapedEverywhere() {
        String html = report().html();
        Document page = Jsoup.parse(html);

        assertThat(page.select("script, img, iframe, object, embed, link, [src], [onerror]")).isEmpty();
        assertThat(html).doesNotContain("<script>", "<img ");
        assertThat(page.title()).isEqualTo("a run " + HOSTILE);
        assertThat(page.select("h1").text()).isEqualTo("a run " + HOSTILE);
        // The text survives intact as text, in element content and in attributes (the cells' tooltips).
        assertThat(page.select("li.step").get(1).text()).contains("inject " + HOSTILE);
        assertThat(page.select("table.matrix tbody th.source").get(1).text()).isEqualTo("node " + HOSTILE);
        assertThat(page.select("figure.grid").first().attr("data-phase")).isEqualTo("before " + HOSTILE);
        assertThat(page.select("td.broken").first().attr("title"))
                .isEqualTo("node a \u2192 pod@b\ncurl http://10.0.1.2:9153/metrics?q=<b>&x=\"1\"\n"
                        + "TIMEOUT: no TCP connection within 1500 ms <&> (1502 ms)");
        // A capture whose name is not a plain file name is shown, not linked.
        assertThat(page.select("a[href]").eachAttr("href")).allMatch(h -> h.startsWith("#") || h.endsWith(".pcap"));
        assertThat(page.select("#captures code").text()).isEqualTo("javascript:alert(1)");
    }

    @Test
    void everyStepFindingFixExpectationAndCaptureAppears() {
        RunReport report = report();
        Document page = Jsoup.parse(report.html());

        assertThat(page.select("header.run").text()).contains("FAILED", "vx123456", "netns", "field", "2",
                "1 of 2 held");
        assertThat(page.select("li.step")).extracting(Element::id).containsExactly("step-1", "step-2", "step-3");
        for (Step step : report.steps()) {
            assertThat(page.select("li.step strong").eachText()).contains(step.title());
        }
        // The timeline: one numbered mark per step, coloured by its checks, and the fault's window.
        assertThat(page.select(".timeline svg circle")).hasSize(3);
        assertThat(page.select(".timeline svg circle").eachAttr("fill"))
                .containsExactly("#8c959f", "#1a7f37", "#a40e26");
        assertThat(page.select("li.step.held")).hasSize(1);
        assertThat(page.select("li.step.failed").text()).contains("healthy after the fix", "1 failing");
        assertThat(page.select(".timeline svg text").eachText()).contains("vtep-mac-drift");

        assertThat(page.select("figure.grid")).hasSize(3);
        assertThat(page.select("figure.grid").eachAttr("data-broken")).containsExactly("0", "2", "0");
        Element during = page.select("figure.grid").get(1);
        assertThat(during.select("td")).extracting(e -> e.className()).containsExactly("ok", "broken", "broken", "ok");
        assertThat(during.select("td.broken").eachAttr("data-outcome")).containsOnly("TIMEOUT");
        assertThat(during.select("td.broken").eachText()).containsOnly("T");
        assertThat(page.select("#connectivity .legend").text()).contains("ok", "broken", "T timeout");

        assertThat(page.select("#doctor").text()).contains("No findings: node a, node b are healthy.");
        assertThat(page.select("tr.finding")).hasSize(2);
        Element first = page.select("tr.finding").first();
        assertThat(first.select("td").eachText()).containsExactly("critical", "vtep-mac-drift", "node " + HOSTILE,
                "flannel.1", "flannel.1 link/ether ea:77:37:86:ee:bf (advertised VtepMAC)", "flannel.1 link/ether <b6:9b>");
        assertThat(page.select("tr.finding").get(1).text()).contains("risk", "nm-manages-vtep", "node-wide");

        assertThat(page.select("#fixes pre").text())
                .isEqualTo("$ kubectl -n kube-flannel delete pod -l app=flannel " + HOSTILE);
        assertThat(page.select("tr.expectation")).hasSize(2);
        assertThat(page.select("tr.expectation").eachText()).anyMatch(t -> t.contains("failed healthy after the fix"));

        assertThat(page.select("#captures a").eachAttr("href")).containsExactly("node-a-flannel.1.pcap");
        assertThat(page.select("dl.facts").text()).contains("node kernels aarch64, Linux 6.1.0-28-arm64 " + HOSTILE);
        assertThat(page.select("#captures").text()).contains("SYN resent " + HOSTILE, "Flags [S] <x>");
    }

    @Test
    void theJsonIsTheRecordsByNameAndReadsBack(@TempDir Path dir) throws Exception {
        RunReport report = report();
        report.write(dir);

        ObjectMapper json = new ObjectMapper();
        JsonNode tree = json.readTree(dir.resolve("report.json").toFile());
        assertThat(tree.fieldNames()).toIterable().containsExactly("title", "run", "backend", "profile", "nodes",
                "systems", "started", "seconds", "passed", "steps", "expectations", "faults", "matrices", "examinations", "fixes",
                "captures");
        assertThat(tree.get("systems").get(0).get("machine").asText()).isEqualTo("aarch64");
        JsonNode during = tree.get("matrices").get(1);
        assertThat(during.get("phase").asText()).isEqualTo("during vtep-mac-drift");
        assertThat(during.get("sources").get(0).asText()).isEqualTo("node a");
        assertThat(during.get("targets").get(1).get("label").asText()).isEqualTo("pod@b");
        assertThat(during.get("cells").get(0).get(1).get("outcome").asText()).isEqualTo("TIMEOUT");
        assertThat(during.get("cells").get(0).get(1).fieldNames()).toIterable()
                .containsExactly("outcome", "detail", "millis");
        assertThat(tree.get("steps").get(1).get("expectations").get(0).asText()).isEqualTo("broken");
        assertThat(json.readValue(dir.resolve("report.json").toFile(), RunReport.class)).isEqualTo(report);

        assertThat(dir.resolve("report.md")).content().contains("### during vtep-mac-drift (at 1.2 s): 2/4 ok",
                "node a", "TIMEOUT", "## Doctor", "**critical `vtep-mac-drift`**", "## Fixes applied",
                "fault `vtep-mac-drift` on node a from 0.9 s to 1.8 s");
        assertThat(dir.resolve("report.html")).content().isEqualTo(report.html());
    }
}
