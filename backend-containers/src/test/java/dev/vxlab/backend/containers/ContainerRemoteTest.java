package dev.vxlab.backend.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.HostConfig;
import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.RemoteProcess;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.testkit.RequiredTool;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node container's remote against a real engine: exits, outputs, stdin, env, timeouts, files and processes. Needs
 * an engine and the node image (skipped without them, failed under CI=true or -Dvxlab.requireAll=true); tagged
 * "kernel" so that {@code -Dvxlab.unit} leaves it out with the other tests that need more than a JVM.
 */
@org.junit.jupiter.api.Tag("kernel")
class ContainerRemoteTest {
    private static DockerEngine engine;
    private static String container;
    private static ContainerRemote node;

    @BeforeAll
    static void startContainer() throws LabException {
        String why = null;
        try {
            engine = DockerEngine.connect();
        } catch (LabException e) {
            why = e.getMessage();
        }
        RequiredTool.require("a Docker engine", engine != null, why);
        RequiredTool.require("the node image", NodeImage.present(engine), "the Maven build's node-image step "
                + "imports it (it needs debootstrap and the network): DOCKER_HOST=... ./mvnw -pl backend-containers -am "
                + "process-test-classes");
        String name = "vxt" + ProcessHandle.current().pid() + "-remote";
        container = engine.client().createContainerCmd(NodeImage.tag()).withName(name)
                .withLabels(Map.of("dev.vxlab.test", ContainerRemoteTest.class.getSimpleName()))
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")).exec().getId();
        engine.client().startContainerCmd(container).exec();
        node = new ContainerRemote("n0", container, engine);
    }

    @AfterAll
    static void removeContainer() {
        if (container != null) {
            engine.client().removeContainerCmd(container).withForce(true).exec();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void exitCodesAndBothOutputsComeBack() {
        CommandResult result = node.run("sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(result.argv()).containsExactly("sh", "-c", "echo out; echo err >&2; exit 3");
    }

    @Test
    void aMissingProgramIs127AndATimeoutIs124() {
        assertThat(node.run("no-such-program").exitCode()).isEqualTo(127);
        assertThat(node.run(List.of("sleep", "30"), Duration.ofSeconds(1)).exitCode()).isEqualTo(124);
    }

    @Test
    void stdinSmallOrLargeAndTheEnvironmentReachTheProgram() {
        assertThat(node.run(Command.of("cat").withStdin("a\nb\n")).stdout()).isEqualTo("a\nb\n");
        String large = "0123456789".repeat(20_000);
        assertThat(node.run(Command.of("wc", "-c").withStdin(large)).stdout().strip()).isEqualTo("200000");
        assertThat(node.run(Command.of("sh", "-c", "echo $GREETING; env | grep -c VXLAB_STDIN")
                .withEnv(Map.of("GREETING", "hello")).withStdin("")).stdout()).isEqualTo("hello\n0\n");
    }

    @Test
    void filesGoAndComeBackInMissingDirectories() throws Exception {
        byte[] body = "19 KB or so\n".repeat(1600).getBytes(StandardCharsets.UTF_8);
        node.put("/run/vxlab-test/deep/file", body);
        assertThat(node.get("/run/vxlab-test/deep/file")).hasValueSatisfying(b -> assertThat(b).isEqualTo(body));
        assertThat(node.run("cat", "/run/vxlab-test/deep/file").stdout().length()).isEqualTo(body.length);
        assertThat(node.get("/run/vxlab-test/nothing")).isEmpty();
        assertThat(node.list("/run/vxlab-test")).containsExactly("deep");
    }

    @Test
    void aStartedProcessRunsUntilStoppedByItsPid() throws Exception {
        RemoteProcess sleeper = node.start(List.of("sh", "-c", "echo ready; echo warn >&2; exec sleep 60"));
        assertThat(sleeper.alive()).isTrue();
        CommandResult stopped = sleeper.stop(Duration.ofSeconds(2));
        assertThat(sleeper.alive()).isFalse();
        assertThat(stopped.stdout()).isEqualTo("ready\n");
        assertThat(stopped.stderr()).isEqualTo("warn\n");
        assertThat(node.run("sh", "-c", "ps -eo args | grep -c '^sleep 60'").stdout().strip()).isEqualTo("0");
    }
}
