package dev.vxlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.testkit.Kernel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxlab.lab.cli.Main;
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
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job, end to end on the real kernel through the CLI: `vxlab reproduce` plays the field story on the field's
 * 5-node cluster, every symptom in the field's order, the recovery, the second mechanism; and the page it writes, as a
 * real browser shows it. Played once for all tests here.
 */
@Kernel
class ReproduceCommandTest {
    /** The grid cell colours of report.html (HtmlReport.OK_CELL and BROKEN_CELL). */
    private static final int OK_CELL = 0x2da44e;
    private static final int BROKEN_CELL = 0xcf222e;
    private static final String NODE = "172.31.159.19";

    @TempDir
    static Path reports;

    private static int exit;
    private static String story;
    private static JsonNode report;

    @BeforeAll
    static void playTheStory() throws Exception {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(terminal, true, StandardCharsets.UTF_8));
        try {
            exit = Main.run("reproduce", "--nodes", "5", "--report", reports.toString());
        } finally {
            System.setOut(original);
        }
        story = terminal.toString(StandardCharsets.UTF_8);
        report = new ObjectMapper().readTree(reports.resolve("report.json").toFile());
    }

    @Test
    void reproducesEveryFieldSymptomAndTheRecovery() throws Exception {
        assertThat(exit).as(story).isZero();
        assertThat(report.get("passed").asBoolean()).isTrue();
        List<String> held = new ArrayList<>();
        report.get("expectations").forEach(e -> {
            assertThat(e.get("held").asBoolean()).as(e.toString()).isTrue();
            held.add(e.get("description").asText().replaceFirst("^line \\d+: [a-z-]+: ", "")
                    .replaceFirst(" \\(line \\d+\\)$", ""));
        });
        String dig = "dig @10.186.0.2 kubernetes.default.svc.cluster1.local";
        String curl = "curl http://10.187.1.24:9153/metrics";
        List<String> inOrder = new ArrayList<>(List.of("every probe passes", "the doctor finds nothing",
                dig + " +tcp from node " + NODE + " times out", dig + " from node " + NODE + " times out",
                "curl http://10.186.0.2:9153/metrics from node " + NODE + " times out",
                curl + " from node " + NODE + " times out", curl + " from pod app@" + NODE + " times out",
                "SYNs are retransmitted with the same seq", "SYN-ACKs arrive addressed to ea:77:37:86:ee:bf",
                "no SYN-ACK arrives addressed to b6:9b:ed:b0:37:74",
                "at least 2 SYN(s) and 2 SYN-ACK(s) are seen: SYNs answered again and again",
                "`ip route get 10.187.0.0` on node " + NODE + " matches /^local 10\\.187\\.0\\.0 dev lo/"));
        if (story.contains("rx-otherhost-dropped: ")) { // kernels before 5.19 have no such counter
            inOrder.add("flannel.1's rx-otherhost-dropped counter on node " + NODE + " rises");
        }
        inOrder.addAll(List.of("the advertised VtepMAC differs from flannel.1's MAC",
                "the matrix breaks exactly the expected cells",
                "the doctor names exactly " + NODE + " vtep-mac-drift flannel.1",
                "the trace from " + NODE + " to 10.187.1.24 fails",
                "the trace from " + NODE + " to 10.187.1.24 says 'dropped as otherhost on " + NODE + "'",
                "the doctor offers a fix plan", "the advertised VtepMAC is flannel.1's MAC", "every probe passes",
                "the doctor finds nothing", "`ip route show dev flannel.1` on node " + NODE + " prints 4 line(s)",
                "`ip route show dev flannel.1` on node " + NODE + " prints 0 line(s)",
                "`ip route get 10.187.0.0` on node " + NODE + " shows 'dev cni0'",
                curl + " from node " + NODE + " fails", "the matrix breaks exactly the expected cells",
                "the doctor names exactly " + NODE + " vtep-address-missing flannel.1", "the doctor offers a fix plan",
                "`ip route show dev flannel.1` on node " + NODE + " prints 4 line(s)", "every probe passes",
                "the doctor finds nothing"));
        assertThat(held).as(story).containsSubsequence(inOrder);

        // The field's order on the terminal: DNS first, then curl, then the capture, route get, the counter, the MAC.
        assertThat(story).startsWith("vxlab reproduce: flannel.1 MAC drift").containsSubsequence(
                "cluster up: 5 nodes", "probe matrix before the fault: 90/90 ok", dig + " +tcp",
                curl, "capture at the source node " + NODE, "ip route get 10.187.0.0", "local 10.187.0.0 dev lo",
                "advertised VtepMAC is not the device's MAC", "probe matrix during vtep-mac-drift on " + NODE,
                "restart flanneld", "probe matrix after the flanneld restart: 90/90 ok",
                "probe matrix during vtep-address-removed on " + NODE,
                "probe matrix after the second flanneld restart: 90/90 ok", "reproduced: ");
        assertThat(pcaps()).hasSize(2).allSatisfy(p -> assertThat(p).isNotEmptyFile())
                .anySatisfy(p -> assertThat(p.getFileName().toString()).endsWith("-172.31.159.19-flannel.1.pcap"))
                .anySatisfy(p -> assertThat(p.getFileName().toString()).endsWith("-172.31.159.21-flannel.1.pcap"));
        assertThat(Files.readString(reports.resolve("report.md")))
                .contains("ea:77:37:86:ee:bf", "b6:9b:ed:b0:37:74", "Flags [S.]", "## Connectivity", "## Doctor");
        assertThat(reports.resolve("nodes.json")).content().contains("\"VtepMAC\\\":\\\"b6:9b:ed:b0:37:74\\\"");
        assertThat(reports.resolve("nodes/172.31.159.19/run/flannel/subnet.env")).content()
                .contains("FLANNEL_SUBNET=10.187.0.1/24", "FLANNEL_MTU=1450");
    }

    private static List<Path> pcaps() throws Exception {
        try (Stream<Path> files = Files.list(reports)) {
            return files.filter(f -> f.toString().endsWith(".pcap")).sorted().toList();
        }
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
        assertThat(phases).containsExactly("before the fault", "during vtep-mac-drift on " + NODE,
                "after the flanneld restart", "during vtep-address-removed on " + NODE,
                "after the second flanneld restart");
        assertThat(broken).containsExactly(0, 24, 0, 24, 0);

        List<String> named = new ArrayList<>();
        report.get("examinations").forEach(x -> x.get("findings").forEach(f -> named.add(f.get("severity").asText()
                + " " + f.get("fault").asText() + " " + f.get("node").asText() + " " + f.get("device").asText())));
        assertThat(report.get("examinations").get(0).get("phase").asText()).isEqualTo("before the fault");
        assertThat(report.get("examinations").get(0).get("findings")).isEmpty();
        assertThat(named).contains("CRITICAL vtep-mac-drift " + NODE + " flannel.1",
                "CRITICAL vtep-address-missing " + NODE + " flannel.1");
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
                "during vtep-mac-drift on " + NODE, "after the flanneld restart",
                "during vtep-address-removed on " + NODE, "after the second flanneld restart");
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
        assertThat(dom.select("#captures a").eachAttr("href"))
                .containsExactlyElementsOf(pcaps().stream().map(p -> p.getFileName().toString()).toList());

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
