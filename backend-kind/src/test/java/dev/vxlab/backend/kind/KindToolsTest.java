package dev.vxlab.backend.kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.lab.LabException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KindToolsTest {

    private static KindTools having(String... programs) {
        Set<String> present = Set.of(programs);
        return new KindTools(p -> present.contains(p) ? Optional.of(Path.of("/usr/bin", p)) : Optional.empty());
    }

    @Test
    void aMissingProgramIsNamedInOneSentenceInInstallOrder() {
        assertThat(having().missing()).contains("kind backend needs kind, kubectl and a Docker engine: kind not found on PATH");
        assertThat(having("kind").missing()).contains(
                "kind backend needs kind, kubectl and a Docker engine: kubectl not found on PATH");
        assertThat(having("kind", "kubectl").missing()).contains(
                "kind backend needs kind, kubectl and a Docker engine: docker not found on PATH");
    }

    @Test
    void theBackendRefusesToStartWithThatSentence() {
        assertThatThrownBy(() -> new KindBackend(having("kind", "docker")).info()).isInstanceOf(LabException.class)
                .hasMessage("kind backend needs kind, kubectl and a Docker engine: kubectl not found on PATH");
        assertThatThrownBy(() -> new KindBackend(having()).create(dev.vxlab.lab.spec.ClusterSpec.field(3),
                new dev.vxlab.lab.backend.LabRun("vx1", Path.of("/nonexistent")))).isInstanceOf(LabException.class)
                .hasMessageEndingWith("kind not found on PATH");
    }

    @Test
    void deleteTouchesOnlyClustersNamedLikeAVxlabRun() {
        assertThatThrownBy(() -> new KindBackend(having()).delete("kind")).isInstanceOf(LabException.class)
                .hasMessageStartingWith("the kind backend deletes only vxlab runs' clusters");
    }

    @Test
    void aFailedToolCallSaysWhatFailedWithTheToolsLastWord() {
        assertThatThrownBy(() -> having().check("listing kind clusters",
                java.util.List.of("sh", "-c", "echo progress >&2; echo 'ERROR: no such thing' >&2; exit 3"),
                java.time.Duration.ofSeconds(10)))
                .isInstanceOf(LabException.class)
                .hasMessage("listing kind clusters failed (sh -c 'echo progress >&2; echo '\\''ERROR: no such thing'\\'' >&2; exit 3', exit 3): ERROR: no such thing");
    }

    @Test
    void optionsComeFromTheEnvironmentWithOneSentenceForNonsense() {
        KindOptions defaults = KindOptions.from(Map.of());
        assertThat(defaults.nodeImage()).isEmpty();
        assertThat(defaults.flannel()).isEqualTo(KindOptions.FLANNEL_IMAGE + ":" + KindOptions.FLANNEL_VERSION);
        assertThat(defaults.kindWait()).isEqualTo("0s");
        assertThat(defaults.unameMachine()).isEqualTo(KindOptions.hostArch().equals("arm64") ? "aarch64" : "x86_64");
        KindOptions arm = KindOptions.from(Map.of("VXLAB_KIND_ARCH", "arm64", "VXLAB_KIND_NODE_IMAGE",
                "kindest/node:v1.32.2@sha256:abc"));
        assertThat(arm.unameMachine()).isEqualTo("aarch64");
        assertThat(arm.cniPluginsUrl()).contains("cni-plugins-linux-arm64-");
        assertThat(arm.nodeImage()).isEqualTo("kindest/node:v1.32.2@sha256:abc");
        String other = KindOptions.hostArch().equals("amd64") ? "arm64" : "amd64";
        assertThatThrownBy(() -> KindOptions.from(Map.of("VXLAB_KIND_ARCH", other)))
                .hasMessage("VXLAB_KIND_ARCH=" + other + " on an " + KindOptions.hostArch() + " host needs "
                        + "VXLAB_KIND_NODE_IMAGE set to a " + other + " node image by its " + other + " digest");
        assertThatThrownBy(() -> KindOptions.from(Map.of("VXLAB_KIND_ARCH", "riscv64", "VXLAB_KIND_NODE_IMAGE", "x")))
                .hasMessage("VXLAB_KIND_ARCH is amd64 or arm64, not 'riscv64'");
        assertThatThrownBy(() -> KindOptions.from(Map.of("VXLAB_KIND_WAIT", "soon")))
                .hasMessage("VXLAB_KIND_WAIT is a duration like 300s or 5m, not 'soon'");
    }

    @Test
    void theNodeToolCheckNamesEveryClientTheLabRunsOnNodes() {
        assertThat(KindClusterBuilder.missingToolsScript()).isEqualTo(
                "for p in curl dig ethtool tcpdump; do command -v \"$p\" >/dev/null 2>&1 || echo \"$p\"; done");
    }
}
