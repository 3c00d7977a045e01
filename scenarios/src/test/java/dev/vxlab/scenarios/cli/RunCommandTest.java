package dev.vxlab.scenarios.cli;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxlab.lab.backend.Backends;
import dev.vxlab.lab.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vxlab run and vxlab scenarios through the real CLI (Main finds them through the CommandPlugin service). */
@Kernel
class RunCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @TempDir
    Path dir;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void scenariosListsTheCatalogWithEachDescription() throws Exception {
        assertThat(Main.run("scenarios")).isZero();
        for (var scenario : Catalog.shipped().scenarios()) {
            assertThat(stdout()).containsPattern("(?m)^" + scenario.name() + " +\\Q" + scenario.description() + "\\E$");
        }
    }

    @Test
    void aMalformedFileIsOneLineNamingFileAndLineAndExitTwo() throws Exception {
        Path file = dir.resolve("field-bug.yaml");
        Files.writeString(file, """
                description: typo
                cluster: {nodes: 2}
                steps:
                  - inject: {fault: vtep-mac-drif, node: 0}
                """);
        assertThat(Main.run("run", file.toString())).isEqualTo(Main.USAGE);
        assertThat(stderr()).doesNotContain("\n").startsWith("vxlab: field-bug.yaml:4: unknown fault 'vtep-mac-drif' "
                + "(known: vtep-mac-drift, ");
    }

    @Test
    void reproduceRejectsBadInputInOneLineWithExitTwo() {
        assertThat(Main.run("reproduce", "--backend", "no-such-backend")).isEqualTo(Main.USAGE);
        assertThat(Main.run("reproduce", "--nodes", "1")).isEqualTo(Main.USAGE);
        assertThat(Main.run("reproduce", "--nodes", "five")).isEqualTo(Main.USAGE);
        assertThat(stderr().lines().toList()).containsExactly("vxlab: unknown backend 'no-such-backend'; available here: "
                        + String.join(", ", Backends.names()),
                "vxlab: --nodes must be from 2 to 256 (one /24 flannel lease per node in the field's 10.187.0.0/16 pod network), not 1", stderr().lines().toList().get(2));
        assertThat(stderr().lines().toList().get(2)).startsWith("vxlab: ").contains("'five'").contains("--nodes");
        assertThat(Main.run("reproduce", "--help")).isZero();
        assertThat(stdout()).startsWith("Usage: vxlab reproduce");
    }

    @Test
    void anUnknownNameListsTheCatalog() {
        assertThat(Main.run("run", "no-such-scenario")).isEqualTo(Main.USAGE);
        assertThat(stderr()).doesNotContain("\n").startsWith("vxlab: no scenario file 'no-such-scenario' and no "
                + "catalog scenario of that name (the catalog: ").contains("field-bug");
    }

    @Test
    void anExpectationThatDoesNotHoldFailsTheRunWithItNamedAndExitOne() throws Exception {
        Path file = dir.resolve("wrong.yaml");
        Files.writeString(file, """
                description: expects a break that a healthy cluster does not have
                cluster: {nodes: 2}
                steps:
                  - probe:
                      broken:
                        - {from: node 0, to: app@1}
                  - doctor:
                      findings: [{node: 0, fault: vtep-mac-drift}]
                """);
        Path report = dir.resolve("report");
        assertThat(Main.run("run", file.toString(), "--report", report.toString())).as(stdout() + stderr())
                .isEqualTo(Main.FAILED);
        assertThat(stdout()).contains("FAILED  line 4: probe: the matrix breaks exactly the expected cells (ok but "
                + "expected broken: node 172.31.159.19 -> app@172.31.159.20)")
                .contains("FAILED  line 7: doctor: the doctor names exactly 172.31.159.19 vtep-mac-drift "
                        + "(not named: 172.31.159.19 vtep-mac-drift)")
                .contains("FAILED: 2 of 3 expectation(s) did not hold");
        JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        assertThat(json.get("passed").asBoolean()).isFalse();
        // the first, that the nodes run where the backend says, holds; the scenario's two do not
        assertThat(json.get("expectations")).hasSize(3).extracting(e -> e.get("held").asBoolean())
                .containsExactly(true, false, false);
    }

    @Test
    void aStepTheKernelRefusesEndsTheRunWithItsLineAndExitTwoAndStillAReport() throws Exception {
        Path file = dir.resolve("nodevice.yaml");
        Files.writeString(file, """
                description: sets a device down that no node has
                cluster: {nodes: 2}
                steps:
                  - expect-healthy
                  - inject: {fault: link-down, node: 1, params: {device: nosuch0}}
                  - expect-healthy
                """);
        Path report = dir.resolve("report");
        assertThat(Main.run("run", file.toString(), "--report", report.toString())).as(stdout() + stderr())
                .isEqualTo(Main.USAGE);
        assertThat(stderr()).doesNotContain("\n").startsWith("vxlab: line 5: inject: injecting link-down on node "
                + "172.31.159.20 failed: ").contains("nosuch0");
        JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        assertThat(json.get("passed").asBoolean()).isFalse();
        assertThat(json.get("expectations")).extracting(e -> e.get("description").asText()).containsExactly(
                "every node runs on " + System.getProperty("os.arch").replace("amd64", "x86_64")
                        + " as the netns backend says", "line 4: expect-healthy: every probe passes", "line 4: expect-healthy: the doctor finds nothing",
                "line 5: inject: the step runs");
    }

    @Test
    void aCatalogScenarioRunsByNameAndPasses() throws Exception {
        Path report = dir.resolve("report");
        assertThat(Main.run("run", "routes-flushed", "--report", report.toString())).as(stdout() + stderr()).isZero();
        assertThat(stdout()).contains("vxlab run routes-flushed: ").contains("passed: ");
        assertThat(report.resolve("report.md")).content().contains("missing-peer-route");
    }
}
