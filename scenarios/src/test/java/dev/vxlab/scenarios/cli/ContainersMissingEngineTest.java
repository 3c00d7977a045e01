package dev.vxlab.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** `vxlab run --backend containers` where no engine answers: one sentence saying how to get one, exit 2. */
class ContainersMissingEngineTest {

    @Test
    void noEngineIsOneSentenceAndExitTwo() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Dvxlab.home=" + System.getProperty("vxlab.home"),
                "-cp", System.getProperty("java.class.path"), "dev.vxlab.lab.cli.Main", "run", "field-bug",
                "--backend", "containers");
        builder.environment().put("DOCKER_HOST", "unix:///nonexistent/docker.sock");
        Process run = builder.start();
        run.getOutputStream().close();
        assertThat(run.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(run.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.exitValue()).as(stderr).isEqualTo(2);
        assertThat(stderr.lines().toList()).containsExactly("vxlab: no Docker engine at DOCKER_HOST="
                + "unix:///nonexistent/docker.sock (no such socket): start one (.ci/private-dockerd.sh start) or set "
                + "DOCKER_HOST");
    }
}
