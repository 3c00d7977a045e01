package dev.vxlab.scenarios.catalog;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.report.Expectation;
import dev.vxlab.scenarios.cli.Catalog;
import dev.vxlab.scenarios.file.Scenario;
import dev.vxlab.scenarios.file.ScenarioParser;
import dev.vxlab.scenarios.runner.ScenarioResult;
import dev.vxlab.scenarios.runner.ScenarioRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every scenario of the shipped catalog plays green on the real kernel, each on its own fresh cluster. */
@Kernel
class CatalogPlaysGreenTest {

    static List<String> names() throws Exception {
        return Catalog.shipped().names();
    }

    @Test
    void theCatalogHasAtLeastTwelveScenariosEachWithAHeaderComment() throws Exception {
        List<Path> files = Catalog.shipped().files();
        assertThat(files).hasSizeGreaterThanOrEqualTo(12);
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            assertThat(lines.getFirst()).as(file.getFileName() + " starts with its incident class")
                    .startsWith("# Incident class:");
            assertThat(lines).as(file.getFileName() + " says what a user sees")
                    .anyMatch(l -> l.startsWith("# What a user sees:"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void playsGreen(String name, @TempDir Path dir) throws Exception {
        Scenario scenario = ScenarioParser.parse(Catalog.shipped().resolve(name));
        // The real daemons' scenarios need them (docs/networkmanager.md, docs/firewalld.md); CI installs them.
        for (var step : scenario.steps()) {
            if (step instanceof dev.vxlab.scenarios.file.ScenarioStep.Daemon daemon && daemon.daemon().equals("udev")) {
                dev.vxlab.lab.testkit.RequiredTool.require("udevadm", dev.vxlab.lab.testkit.RequiredTool.onPath("udevadm"),
                        "apt-get install --no-install-recommends udev");
            } else if (step instanceof dev.vxlab.scenarios.file.ScenarioStep.Daemon daemon) {
                String program = daemon.daemon().equals("networkmanager") ? "NetworkManager" : "firewalld";
                dev.vxlab.lab.testkit.RequiredTool.require(program, dev.vxlab.lab.testkit.RequiredTool.onPath(program)
                        && dev.vxlab.lab.testkit.RequiredTool.onPath("dbus-daemon"),
                        "apt-get install --no-install-recommends network-manager firewalld dbus");
            }
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ScenarioResult result;
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            result = new ScenarioRunner(new NetnsBackend(), dir, out).play(scenario);
        }
        assertThat(result.failed().stream().map(e -> e.description() + ": " + e.evidence()))
                .as(name + "\n" + log.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(result.passed()).isTrue();
        assertThat(result.report().expectations()).extracting(Expectation::held).containsOnly(true);
        assertThat(dir.resolve("report.json")).isNotEmptyFile();
        assertThat(dir.resolve("report.md")).isNotEmptyFile();
    }
}
