package dev.vxlab.backend.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.remote.Command;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How a Command becomes a docker exec's argv, and what the reaper runs. */
class ExecRenderingTest {

    @Test
    void aCommandRunsUnderTheNodesTimeoutRoundedUpToSeconds() {
        Command ip = Command.of("ip", "-j", "link").withTimeout(Duration.ofMillis(2500));
        assertThat(ContainerRemote.execArgv(ip, false, null)).containsExactly("timeout", "-k", "2", "3", "ip", "-j",
                "link");
    }

    @Test
    void smallStdinTravelsInTheEnvironmentAndIsUnsetBeforeTheProgramRuns() {
        Command batch = Command.of("ip", "-batch", "-").withStdin("link set lo up\n");
        assertThat(ContainerRemote.execArgv(batch, true, null)).containsExactly("timeout", "-k", "2", "20", "sh", "-c",
                "printf %s \"$VXLAB_STDIN\" | { unset VXLAB_STDIN; exec \"$0\" \"$@\"; }", "ip", "-batch", "-");
    }

    @Test
    void largeStdinIsReadFromAFileOnTheNode() {
        Command batch = Command.of("sh", "-s").withStdin("x".repeat(100_000));
        assertThat(ContainerRemote.execArgv(batch, false, "/run/vxlab-stdin/7")).containsExactly("timeout", "-k", "2",
                "20", "sh", "-c", "exec \"$0\" \"$@\" < /run/vxlab-stdin/7", "sh", "-s");
    }

    @Test
    void theReaperWaitsForItsStdinThenDeletesTheRunsContainersAndNetworksByLabel() {
        String script = Reaper.script("vxab12");
        assertThat(script.lines().findFirst()).contains("cat >/dev/null");
        assertThat(script).contains("filters={\"label\":[\"dev.vxlab.run=vxab12\"]}")
                .contains("-X DELETE \"http://engine/containers/$id?force=1&v=1\"")
                .contains("-X DELETE \"http://engine/networks/$id\"")
                .contains("--unix-socket /vxlab/docker.sock");
    }

    @Test
    void namesCarryTheRunPrefixAndTheBridgeFitsAnInterfaceName() {
        ContainersNames names = new ContainersNames("vxab12cd");
        assertThat(names.network()).startsWith("vxab12cd");
        assertThat(names.reaper()).startsWith("vxab12cd");
        assertThat(names.bridge()).startsWith("vxab12cd").hasSizeLessThanOrEqualTo(15);
    }
}
