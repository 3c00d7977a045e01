package dev.vxlab.backend.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.lab.LabException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Without an engine the backend says so in one sentence that tells how to get one. */
class MissingEngineTest {

    @Test
    void aSocketThatIsNotThereIsNamed() {
        assertThatThrownBy(() -> DockerEngine.connect(Map.of("DOCKER_HOST", "unix:///nonexistent/docker.sock")))
                .isInstanceOf(LabException.class)
                .hasMessage("no Docker engine at DOCKER_HOST=unix:///nonexistent/docker.sock (no such socket): "
                        + "start one (.ci/private-dockerd.sh start) or set DOCKER_HOST");
    }

    @Test
    void anAddressWhereNothingAnswersIsNamed() {
        // a path that exists but where no engine listens: no traffic leaves this machine
        assertThatThrownBy(() -> DockerEngine.connect(Map.of("DOCKER_HOST", "unix:///dev/null")))
                .isInstanceOf(LabException.class)
                .hasMessage("no Docker engine answers at DOCKER_HOST=unix:///dev/null: start one "
                        + "(.ci/private-dockerd.sh start) or set DOCKER_HOST");
    }

    @Test
    void noDockerHostAndNoDefaultSocketIsTheOneSentence() {
        if (DockerEngine.host(Map.of()).isPresent()) {
            assertThat(DockerEngine.host(Map.of())).contains("unix:///var/run/docker.sock");
            return; // this machine has the usual socket: the sentence below cannot happen here
        }
        assertThatThrownBy(() -> DockerEngine.connect(Map.of())).isInstanceOf(LabException.class)
                .hasMessage("no Docker engine: start one (.ci/private-dockerd.sh start) or set DOCKER_HOST");
    }
}
