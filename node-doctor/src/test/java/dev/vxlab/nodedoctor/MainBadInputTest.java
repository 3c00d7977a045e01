package dev.vxlab.nodedoctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.advertised.NodeListWriter;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.HealthyNodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone node doctor refuses bad input with one sentence and exit 2, before it touches any namespace. */
class MainBadInputTest {
    @TempDir
    Path dir;

    @Test
    void badInputIsOneSentenceAndExitTwo() throws Exception {
        Path malformed = Files.writeString(dir.resolve("malformed.json"), "{\"kind\": \"NodeList\", \"items\": [");
        var nodes = HealthyNodes.of(ClusterPlan.field(3)).view().nodes();
        Path nodesFile = Files.writeString(dir.resolve("nodes.json"), NodeListWriter.defaults().write(nodes));
        String node = nodes.getFirst().name();
        List<Runs> runs = List.of(
                Runs.of("--netns", "vx-any", "--node-name", node, "--nodes", malformed.toString()),
                Runs.of("--netns", "vx-any", "--node-name", "no-such-node", "--nodes", nodesFile.toString()),
                Runs.of("--netns", "vx-no-such-namespace", "--node-name", node, "--nodes", nodesFile.toString()),
                Runs.of("--netns", "vx-any", "--node-name", node, "--nodes", dir.resolve("absent.json").toString()),
                Runs.of("--netns", "vx-any", "--nodes", nodesFile.toString()),
                Runs.of("--netns", "vx-any", "--node-name", node, "--nodes", nodesFile.toString(), "--apply"),
                Runs.of("--host", "--netns", "vx-any", "--node-name", node, "--nodes", nodesFile.toString()),
                Runs.of("--netns"));
        assertThat(runs).allSatisfy(r -> {
            assertThat(r.exit()).as(r.err()).isEqualTo(NodeDoctorRun.USAGE);
            assertThat(r.err()).startsWith("vxlab: ").doesNotContain("\n").doesNotContain("\tat ");
            assertThat(r.out()).isEmpty();
        });
        assertThat(runs.get(0).err()).contains("malformed.json");
        assertThat(runs.get(1).err()).contains("'no-such-node' is not in");
        assertThat(runs.get(2).err()).contains("'vx-no-such-namespace' does not exist");
        assertThat(runs.get(3).err()).contains("no such file").contains("kubectl get nodes -o json");
        assertThat(runs.get(4).err()).contains("--node-name");
        assertThat(runs.get(5).err()).contains("--apply goes with --fix");
        assertThat(runs.get(6).err()).contains("mutually exclusive");
        assertThat(runs.get(7).err()).contains("--netns");
    }

    @Test
    void helpNamesEveryRealNodeOption() {
        Runs help = Runs.of("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--host", "--netns", "--node-name", "--nodes", "--subnet-env", "--nm-config",
                "--json", "--fix", "--skip-fix", "--apply", "--watch", "--interval-ms");
    }
}
