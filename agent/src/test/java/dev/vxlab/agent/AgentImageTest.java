package dev.vxlab.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.lab.testkit.RequiredTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Jib image (agent/target/jib-image.tar, built without a daemon: docs/agent.md) loads into a Docker engine and
 * runs: its JRE starts, the agent prints its usage, and bad input is one sentence and exit 2 from inside the image.
 * Needs an engine (DOCKER_HOST, e.g. `.ci/private-dockerd.sh start`) and the tar; skipped with the reason without
 * them, failed under CI (RequiredTool).
 */
class AgentImageTest {
    static final Path TAR = Path.of(System.getProperty("vxlab.home", "..")).resolve("agent/target/jib-image.tar");
    static final String IMAGE = "vxlab-agent:0.1.0-SNAPSHOT";

    record Run(int exit, String out) {}

    @Test
    void theImageLoadsAndRunsTheAgent() throws Exception {
        String why = engineProblem();
        RequiredTool.require("a Docker engine", why == null, why);
        RequiredTool.require("the agent image", Files.isRegularFile(TAR), "no " + TAR + "; build it with "
                + "./mvnw -B -ntp -pl agent -am -Pimage -DskipTests package");

        Run load = docker(120, "load", "-i", TAR.toString());
        assertThat(load.exit()).as(load.out()).isZero();
        assertThat(load.out()).contains(IMAGE);
        try {
            Run help = docker(60, "run", "--rm", "--network", "none", IMAGE, "--help");
            assertThat(help.exit()).as(help.out()).isZero();
            assertThat(help.out()).contains("Usage: agent").contains("--node-condition").contains("--fix-rate");

            Run bad = docker(60, "run", "--rm", "--network", "none", IMAGE, "--node-name", "n1", "--netns", "nosuch");
            assertThat(bad.exit()).as(bad.out()).isEqualTo(2);
            assertThat(bad.out().strip()).isEqualTo(
                    "vxlab agent: network namespace 'nosuch' does not exist (no /run/netns/nosuch)");
        } finally {
            docker(60, "rmi", IMAGE);
        }
    }

    /** Why no engine answers, or null when one does. */
    private static String engineProblem() {
        if (!RequiredTool.onPath("docker")) {
            return "no docker client on PATH (apt-get install docker.io)";
        }
        try {
            Run version = docker(20, "version", "--format", "{{.Server.Version}}");
            return version.exit() == 0 ? null : "no Docker engine answers (" + version.out().strip().lines().findFirst()
                    .orElse("") + "): start one (.ci/private-dockerd.sh start) or set DOCKER_HOST";
        } catch (IOException e) {
            return "cannot run docker: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static Run docker(int timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("docker"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out;
        try (var in = p.getInputStream()) {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IOException("docker " + String.join(" ", args) + " took over " + timeoutSeconds + " s");
            }
            out = in.readAllBytes();
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
