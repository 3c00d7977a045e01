package dev.vxlab.backend.kind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.action.NodeAction;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KindCommandsTest {
    private final KindCommands commands = new KindCommands("vx3f2a", Path.of("/tmp/run/kind/kubeconfig"));

    @Test
    void createNamesTheClusterConfigKubeconfigImageAndWait() {
        assertThat(commands.createCluster(Path.of("/tmp/run/kind/kind-config.yaml"), "kindest/node:v1.32.2", "0s"))
                .containsExactly("kind", "create", "cluster", "--name", "vx3f2a", "--config",
                        "/tmp/run/kind/kind-config.yaml", "--kubeconfig", "/tmp/run/kind/kubeconfig", "--image",
                        "kindest/node:v1.32.2", "--wait", "0s");
        assertThat(commands.createCluster(Path.of("c.yaml"), "", "5m")).doesNotContain("--image").endsWith("--wait", "5m");
    }

    @Test
    void kubectlAlwaysUsesTheRunsOwnKubeconfig() {
        assertThat(commands.nodesJson()).containsExactly("kubectl", "--kubeconfig", "/tmp/run/kind/kubeconfig", "get",
                "nodes", "-o", "json");
        assertThat(commands.apply()).endsWith("apply", "-f", "-");
        assertThat(commands.deleteCluster()).containsExactly("kind", "delete", "cluster", "--name", "vx3f2a",
                "--kubeconfig", "/tmp/run/kind/kubeconfig");
        assertThat(KindCommands.getClusters()).containsExactly("kind", "get", "clusters");
    }

    @Test
    void theFlannelRestartDeletesTheSamePodsAsOnARealNode() {
        List<String> real = new NodeAction.RestartFlanneld().kubectl("vx3f2a-worker");
        List<String> ours = commands.deleteFlannelPod("vx3f2a-worker");
        // kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName=NODE, with our kubeconfig
        assertThat(ours.subList(3, 3 + real.size() - 1)).isEqualTo(real.subList(1, real.size()));
        assertThat(ours).startsWith("kubectl", "--kubeconfig", "/tmp/run/kind/kubeconfig");
    }

    @Test
    void dockerExecFeedsStdinAndEnvironmentOnlyWhenAsked() {
        assertThat(KindCommands.exec("vx1-worker", List.of("ip", "-j", "link"), false, Map.of()))
                .containsExactly("docker", "exec", "vx1-worker", "ip", "-j", "link");
        assertThat(KindCommands.exec("vx1-worker", List.of("ip", "-batch", "-"), true, Map.of("A", "1")))
                .containsExactly("docker", "exec", "-i", "-e", "A=1", "vx1-worker", "ip", "-batch", "-");
        assertThat(KindCommands.copyTo(Path.of("/tmp/f"), "vx1-worker", "/run/flannel/subnet.env"))
                .containsExactly("docker", "cp", "/tmp/f", "vx1-worker:/run/flannel/subnet.env");
    }

    @Test
    void aPodsCommandsRunInItsNetworkNamespaceInsideTheNodeContainer() {
        KindNodeRemote pod = new KindNodeRemote("vx1-worker").inNamespace("app@vx1-worker", "cni-1234");
        assertThat(pod.name()).isEqualTo("app@vx1-worker");
        assertThat(pod.argv(List.of("curl", "-s", "http://10.187.1.2:9153/"), false, Map.of())).containsExactly(
                "docker", "exec", "vx1-worker", "ip", "netns", "exec", "cni-1234", "curl", "-s", "http://10.187.1.2:9153/");
    }
}
