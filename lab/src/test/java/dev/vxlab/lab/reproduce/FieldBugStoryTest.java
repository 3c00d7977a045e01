package dev.vxlab.lab.reproduce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.testbrowser.GridPixels;
import dev.vxlab.lab.testbrowser.HeadlessChromium;
import dev.vxlab.lab.testkit.RequiredTool;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job, end to end on the real kernel: the field's 5-node cluster, every symptom, the recovery; and the page
 * it writes, as a real browser shows it. The story is played once for all tests here.
 */
class FieldBugStoryTest {
    /** The grid cell colours of report.html (HtmlReport.OK_CELL and BROKEN_CELL). */
    private static final int OK_CELL = 0x2da44e;
    private static final int BROKEN_CELL = 0xcf222e;

    @TempDir
    static Path reports;

    private static boolean reproduced;
    private static String story;
    private static JsonNode report;

    @BeforeAll
    static void playTheStory() throws Exception {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        reproduced = new FieldBugStory(new NetnsBackend(), 5, reports,
                new PrintStream(terminal, true, StandardCharsets.UTF_8)).play();
        story = terminal.toString(StandardCharsets.UTF_8);
        report = new ObjectMapper().readTree(reports.resolve("report.json").toFile());
    }

    @Test
    void reproducesEveryFieldSymptomAndTheRecovery() throws Exception {
        assertThat(reproduced).as(story).isTrue();
        assertThat(report.get("passed").asBoolean()).isTrue();
        List<String> held = new ArrayList<>();
        report.get("expectations").forEach(e -> {
            if (e.get("held").asBoolean()) {
                held.add(e.get("id").asText());
            }
        });
        assertThat(held).contains("healthy-before-the-fault", "dns-tcp-timeout", "dns-udp-timeout",
                "service-http-timeout", "pod-http-timeout-node", "pod-http-timeout-pod",
                "destination-sees-syn-and-answers", "synack-to-stale-mac", "syn-retransmitted-same-seq",
                "route-get-local", "otherhost-drops-rise", "advertised-differs", "broken-exactly-cross-node",
                "flanneld-republished", "healthy-after-the-flanneld-restart", "routes-gone",
                "broken-exactly-cross-node-vtep-address-removed", "routes-back",
                "healthy-after-the-second-flanneld-restart");

        // The field's order on the terminal: DNS first, then curl, then the capture, route get, the counter, the MAC.
        assertThat(story).containsSubsequence("dig @10.186.0.2 kubernetes.default.svc.cluster1.local +tcp",
                "curl http://10.187.1.24:9153/metrics", "capture at the source node", "ip route get 10.187.0.0",
                "otherhost", "advertised VtepMAC is not the device's MAC", "restart flanneld");
        assertThat(reports.resolve("node-172.31.159.19-flannel.1.pcap")).isNotEmptyFile();
        assertThat(reports.resolve("node-172.31.159.21-flannel.1.pcap")).isNotEmptyFile();
        assertThat(Files.readString(reports.resolve("report.md")))
                .contains("ea:77:37:86:ee:bf", "b6:9b:ed:b0:37:74", "Flags [S.]", "## Connectivity", "## Doctor");
        assertThat(reports.resolve("nodes.json")).content().contains("\"VtepMAC\\\":\\\"b6:9b:ed:b0:37:74\\\"");
        assertThat(reports.resolve("nodes/172.31.159.19/run/flannel/subnet.env")).content()
                .contains("FLANNEL_SUBNET=10.187.0.1/24", "FLANNEL_MTU=1450");
    }

    @Test
    void theReportRecordsTheGridsFindingsAndFixesOfEveryPhase() {
        List<String> phases = new ArrayList<>();
        List<Integer> broken = new ArrayList<>();
        for (JsonNode m : report.get("matrices")) {
            phases.add(m.get("phase").asText());
            int count = 0;
            for (JsonNode row : m.get("cells")) {
                for (JsonNode cell : row) {
                    count += cell.get("outcome").asText().equals("OK") ? 0 : 1;
                }
            }
            broken.add(count);
            assertThat(m.get("cells")).hasSize(m.get("sources").size());
        }
        assertThat(phases).containsExactly("before the fault", "during vtep-mac-drift on 172.31.159.19",
                "after the flanneld restart", "during vtep-address-removed on 172.31.159.19",
                "after the second flanneld restart");
        assertThat(broken.get(0)).isZero();
        assertThat(broken.get(1)).isPositive();
        assertThat(broken.get(2)).isZero();
        assertThat(broken.get(3)).isPositive();
        assertThat(broken.get(4)).isZero();

        List<String> named = new ArrayList<>();
        report.get("examinations").forEach(x -> x.get("findings").forEach(f -> named.add(
                x.get("phase").asText() + ": " + f.get("severity").asText() + " " + f.get("fault").asText() + " "
                        + f.get("node").asText() + " " + f.get("device").asText())));
        assertThat(report.get("examinations").get(0).get("findings")).isEmpty();
        assertThat(named).contains("during vtep-mac-drift on 172.31.159.19: CRITICAL vtep-mac-drift 172.31.159.19 flannel.1",
                "during vtep-address-removed on 172.31.159.19: CRITICAL vtep-address-missing 172.31.159.19 flannel.1");
        assertThat(report.get("fixes")).hasSize(2);
        assertThat(report.get("fixes").get(0).get("commands").get(0).asText()).contains("kubectl -n kube-flannel delete pod");
        assertThat(report.get("faults")).extracting(f -> f.get("fault").asText())
                .containsExactly("vtep-mac-drift", "vtep-address-removed");
    }

    /** report.html in Debian's chromium: the DOM it builds, and the pixels of the grids going red and back to green. */
    @Test
    void thePageRendersInHeadlessChromium(@TempDir Path browserDir) throws Exception {
        Optional<HeadlessChromium> found = HeadlessChromium.find(browserDir);
        RequiredTool.require("chromium", found.isPresent(), HeadlessChromium.MISSING);
        HeadlessChromium chromium = found.get();
        Path page = reports.resolve("report.html");

        Document dom = Jsoup.parse(chromium.dumpDom(page));
        assertThat(dom.title()).startsWith("vxlab reproduce: flannel.1 MAC drift");
        assertThat(dom.select("header.run").text()).contains("passed", "netns", "field", "nodes 5");
        assertThat(dom.select("li.step")).hasSize(report.get("steps").size());
        assertThat(dom.select(".timeline svg circle")).hasSize(report.get("steps").size());
        List<Element> grids = dom.select("figure.grid");
        assertThat(grids).extracting(g -> g.attr("data-phase")).containsExactly("before the fault",
                "during vtep-mac-drift on 172.31.159.19", "after the flanneld restart",
                "during vtep-address-removed on 172.31.159.19", "after the second flanneld restart");
        int sources = report.get("matrices").get(0).get("sources").size();
        int targets = report.get("matrices").get(0).get("targets").size();
        for (Element grid : grids) {
            assertThat(grid.select("td")).hasSize(sources * targets);
            assertThat(grid.select("td[title]")).hasSize(sources * targets);
        }
        assertThat(dom.select("tr.finding").text()).contains("vtep-mac-drift", "vtep-address-missing",
                "ea:77:37:86:ee:bf", "b6:9b:ed:b0:37:74");
        assertThat(dom.select("#fixes pre").text()).contains("kubectl -n kube-flannel delete pod");
        assertThat(dom.select("tr.expectation")).hasSize(report.get("expectations").size());
        assertThat(dom.select("#captures a").eachAttr("href")).containsExactly("node-172.31.159.19-flannel.1.pcap",
                "node-172.31.159.21-flannel.1.pcap");

        BufferedImage shot = chromium.screenshot(page, 1280, 2400);
        List<GridPixels.Grid> seen = GridPixels.find(shot, OK_CELL, BROKEN_CELL);
        assertThat(seen).as("grids on the screen: %s", seen).hasSize(5);
        assertThat(seen.get(0).brokenPixels()).as("before the fault").isZero();
        assertThat(seen.get(1).brokenPixels()).as("during vtep-mac-drift").isPositive();
        assertThat(seen.get(1).okPixels()).as("during vtep-mac-drift: paths that do not cross the node").isPositive();
        assertThat(seen.get(2).brokenPixels()).as("after the flanneld restart").isZero();
        assertThat(seen.get(3).brokenPixels()).as("during vtep-address-removed").isPositive();
        assertThat(seen.get(4).brokenPixels()).as("after the second restart").isZero();
        // The red share on the screen is the broken share of the data (broken cells carry a letter: a little less).
        double share = (double) grids.get(1).select("td.broken").size() / (sources * targets);
        assertThat(seen.get(1).brokenShare()).isBetween(share - 0.08, share + 0.02);
    }
}
