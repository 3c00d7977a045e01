package dev.vxlab.backend.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeImageTest {

    @Test
    void debootstrapMakesAMinbaseBookwormWithEveryNodeTool() {
        assertThat(NodeImage.debootstrap(Path.of("/tmp/rootfs"), "http://mirror.example/debian")).containsExactly(
                "debootstrap", "--variant=minbase",
                "--include=busybox,bind9-dnsutils,curl,dnsmasq-base,ethtool,iproute2,iputils-ping,nftables,procps,tcpdump",
                "bookworm", "/tmp/rootfs", "http://mirror.example/debian");
    }

    @Test
    void theKeyIsTheRecipesHashAndNamesTheCachedTarAndTheTag() {
        String key = NodeImage.key();
        assertThat(key).matches("[0-9a-f]{16}").isEqualTo(NodeImage.key());
        assertThat(new NodeImage(Path.of("/cache"), s -> {}).tar()).isEqualTo(Path.of("/cache/node-" + key + ".tar"));
        assertThat(NodeImage.tag()).isEqualTo("vxlab-node:" + key);
    }

    @Test
    void theMirrorIsThisMachinesApt() {
        assertThat(NodeImage.mirror(List.of("Types: deb", "URIs: http://deb.example/debian", "Suites: bookworm",
                "Types: deb", "URIs: http://deb.example/debian-security"))).isEqualTo("http://deb.example/debian");
        assertThat(NodeImage.mirror(List.of("deb http://security.example/debian-security bookworm-security main",
                "deb [arch=amd64] http://ftp.example/debian bookworm main"))).isEqualTo("http://ftp.example/debian");
        assertThat(NodeImage.mirror(List.of())).isEqualTo("http://deb.debian.org/debian");
    }

    @Test
    void theImageRunsNothingButSleepAndHasAPath() {
        assertThat(NodeImage.CHANGES).contains("CMD [\"sleep\", \"infinity\"]")
                .anyMatch(c -> c.startsWith("ENV PATH=") && c.contains("/usr/sbin"));
    }
}
