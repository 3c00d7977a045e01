package dev.vxlab.scenarios.catalog;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.testbrowser.GridPixels;
import dev.vxlab.lab.testbrowser.HeadlessChromium;
import dev.vxlab.lab.testkit.RequiredTool;
import dev.vxlab.scenarios.cli.Catalog;
import dev.vxlab.scenarios.file.ScenarioParser;
import dev.vxlab.scenarios.runner.ScenarioResult;
import dev.vxlab.scenarios.runner.ScenarioRunner;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The field scenario's report.html, as Debian's chromium shows it: the grid goes red during the drift, then green. */
@Kernel
class FieldScenarioReportTest {
    /** The grid cell colours of report.html (HtmlReport.OK_CELL and BROKEN_CELL). */
    private static final int OK_CELL = 0x2da44e;
    private static final int BROKEN_CELL = 0xcf222e;

    @Test
    void theFieldScenariosGridGoesRedAndBackToGreen(@TempDir Path reports, @TempDir Path browserDir) throws Exception {
        Optional<HeadlessChromium> found = HeadlessChromium.find(browserDir);
        RequiredTool.require("chromium", found.isPresent(), HeadlessChromium.MISSING);
        ScenarioResult result;
        try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
            result = new ScenarioRunner(new NetnsBackend(), reports, quiet)
                    .play(ScenarioParser.parse(Catalog.shipped().resolve("field-bug")));
        }
        assertThat(result.passed()).as("%s", result.failed()).isTrue();
        Path page = reports.resolve("report.html");

        Document dom = Jsoup.parse(found.get().dumpDom(page));
        List<Element> grids = dom.select("figure.grid");
        assertThat(grids).as("one grid per measured matrix").hasSize(result.report().matrices().size());
        assertThat(dom.select("tr.finding").text()).contains("vtep-mac-drift", "172.31.159.19", "b6:9b:ed:b0:37:74");
        assertThat(dom.select("#fixes pre").text()).contains("kubectl -n kube-flannel delete pod");
        assertThat(dom.select("#captures a").eachAttr("href")).singleElement().asString().endsWith(".pcap");

        List<Boolean> brokenInData = result.report().matrices().stream().map(m -> m.broken() > 0).toList();
        assertThat(brokenInData).as("the scenario measures healthy, broken, then healthy again")
                .startsWith(false).contains(true).endsWith(false);
        BufferedImage shot = found.get().screenshot(page, 1280, 2400);
        List<GridPixels.Grid> seen = GridPixels.find(shot, OK_CELL, BROKEN_CELL);
        assertThat(seen).as("grids on the screen: %s", seen).hasSize(brokenInData.size());
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i).okPixels()).as("grid %d has green cells", i).isPositive();
            assertThat(seen.get(i).brokenPixels() > 0).as("grid %d is red where its data is broken", i)
                    .isEqualTo(brokenInData.get(i));
        }
    }
}
