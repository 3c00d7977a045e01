package dev.vxlab.detectors.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.state.NmFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkManagerConfigTest {
    /** The field report's drop-in, /etc/NetworkManager/conf.d/k8s.conf, verbatim. */
    static final String FIELD_FIX = """
            [keyfile]
            unmanaged-devices=interface-name:cali*;interface-name:tunl*;interface-name:vxlan.calico;interface-name:flannel*;interface-name:veth*;interface-name:cni0;interface-name:docker0
            """;

    /** Debian's stock NetworkManager.conf. */
    static final String DEBIAN_MAIN = """
            [main]
            plugins=ifupdown,keyfile

            [ifupdown]
            managed=false
            """;

    @Test
    void theFieldDropInMakesFlannelCniAndVethUnmanaged() {
        NmFacts nm = NetworkManagerConfig.parse(List.of(DEBIAN_MAIN, FIELD_FIX)).facts(true);
        assertThat(nm.inspected()).isTrue();
        assertThat(nm.running()).isTrue();
        assertThat(nm.unmanagedDevices()).hasSize(7).startsWith("interface-name:cali*");
        assertThat(nm.coversFlannel()).isTrue();
        assertThat(nm.coversCni0()).isTrue();
        assertThat(nm.coversVeth()).isTrue();
    }

    @Test
    void withoutADropInNothingIsUnmanaged() {
        NmFacts nm = NetworkManagerConfig.parse(List.of(DEBIAN_MAIN)).facts(true);
        assertThat(nm.unmanagedDevices()).isEmpty();
        assertThat(nm.coversFlannel()).isFalse();
    }

    @Test
    void laterFilesReplaceAppendToAndRemoveFromTheList() {
        String first = "[keyfile]\nunmanaged-devices=interface-name:docker0\n";
        String replaces = "[keyfile]\nunmanaged-devices = interface-name:flannel* , interface-name:cni0\n";
        String appends = "[keyfile]\nunmanaged-devices+=interface-name:veth*\n";
        String removes = "[keyfile]\nunmanaged-devices-=interface-name:cni0\n";
        assertThat(NetworkManagerConfig.parse(List.of(first, replaces)).unmanagedDevices())
                .containsExactly("interface-name:flannel*", "interface-name:cni0");
        assertThat(NetworkManagerConfig.parse(List.of(first, appends)).unmanagedDevices())
                .containsExactly("interface-name:docker0", "interface-name:veth*");
        assertThat(NetworkManagerConfig.parse(List.of(replaces, appends, removes)).unmanagedDevices())
                .containsExactly("interface-name:flannel*", "interface-name:veth*");
    }

    @Test
    void onlyTheKeyfileSectionCountsAndCommentsAreSkipped() {
        String text = """
                # unmanaged-devices=interface-name:eth0
                [main]
                unmanaged-devices=interface-name:wrong-section
                [keyfile]
                # a comment
                not a key value line
                unmanaged-devices=interface-name:flannel*;;
                [device]
                unmanaged-devices=interface-name:also-wrong
                """;
        assertThat(NetworkManagerConfig.parse(List.of(text)).unmanagedDevices())
                .containsExactly("interface-name:flannel*");
    }

    @Test
    void readsTheMainFileThenConfDInNameOrder(@TempDir Path etc) throws Exception {
        Files.writeString(etc.resolve("NetworkManager.conf"), DEBIAN_MAIN
                + "[keyfile]\nunmanaged-devices=interface-name:docker0\n");
        Path confD = Files.createDirectory(etc.resolve("conf.d"));
        Files.writeString(confD.resolve("k8s.conf"), FIELD_FIX);
        Files.writeString(confD.resolve("99-zz.conf"), "[keyfile]\nunmanaged-devices+=interface-name:extra0\n");
        Files.writeString(confD.resolve("k8s.conf.dpkg-old"), "[keyfile]\nunmanaged-devices=interface-name:eth9\n");
        NetworkManagerConfig config = NetworkManagerConfig.read(etc);
        // "99-zz.conf" sorts before "k8s.conf", so k8s.conf's plain '=' replaces what came before it
        assertThat(config.unmanagedDevices()).hasSize(7).contains("interface-name:flannel*")
                .doesNotContain("interface-name:extra0", "interface-name:eth9");
        assertThat(NetworkManagerConfig.read(etc.resolve("absent")).unmanagedDevices()).isEmpty();
    }

    @Test
    void factsSourceReadsTheDirectoryAtEverySnapshot(@TempDir Path etc) throws Exception {
        NmFactsSource source = NmFactsSource.fromConfigDirectory(etc, () -> true);
        assertThat(source.read().coversFlannel()).isFalse();
        Files.createDirectories(etc.resolve("conf.d"));
        Files.writeString(etc.resolve("conf.d/k8s.conf"), FIELD_FIX);
        assertThat(source.read().coversFlannel()).as("the fix applied between two snapshots").isTrue();
        assertThat(NmFactsSource.fromConfigDirectory(etc, () -> false).read().running()).isFalse();
        assertThat(NmFactsSource.NOT_INSPECTED.read()).isEqualTo(NmFacts.NOT_INSPECTED);
        Files.createDirectories(etc.resolve("broken/NetworkManager.conf"));
        assertThatThrownBy(() -> NmFactsSource.fromConfigDirectory(etc.resolve("broken"), () -> true).read())
                .isInstanceOf(SnapshotException.class)
                .hasMessageStartingWith("cannot read NetworkManager's configuration in " + etc.resolve("broken"));
    }
}
