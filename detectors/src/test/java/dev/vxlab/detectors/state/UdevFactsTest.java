package dev.vxlab.detectors.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.MacAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** udev's facts: its persistent MAC as systemd 252 derived it here, and which .link file keeps flannel.1's MAC. */
class UdevFactsTest {
    private static UdevFacts withId(String machineId, UdevFacts.LinkFile... files) {
        return new UdevFacts(true, Optional.of(machineId), List.of(files));
    }

    /** `udevadm test-builtin net_setup_link` printed these ("Applying persistent MAC address") on two machine ids. */
    @Test
    void persistentMacIsUdevs() {
        assertThat(withId("e802195cf2fbf8e48a79b30e68079193").persistentMac("flannel.1"))
                .contains(MacAddress.parse("36:4e:ec:38:aa:7e"));
        assertThat(withId("E802195CF2FBF8E48A79B30E68079193\n").persistentMac("flannel.1"))
                .contains(MacAddress.parse("36:4e:ec:38:aa:7e"));
        assertThat(withId("e802195cf2fbf8e48a79b30e68079193").persistentMac("flannel.2"))
                .isNotEqualTo(Optional.of(MacAddress.parse("36:4e:ec:38:aa:7e")));
    }

    @Test
    void noMachineIdNoMac() {
        assertThat(UdevFacts.NOT_INSPECTED.persistentMac("flannel.1")).isEmpty();
        assertThat(withId("not-an-id").persistentMac("flannel.1")).isEmpty();
    }

    @Test
    void theFixesLinkFileKeepsTheMac() {
        var file = UdevFacts.LinkFile.parse("10-flannel.link", """
                [Match]
                OriginalName=flannel*

                [Link]
                MACAddressPolicy=none
                """);
        assertThat(withId("e802195cf2fbf8e48a79b30e68079193", file).keepsKernelMac("flannel.1")).isTrue();
        assertThat(withId("e802195cf2fbf8e48a79b30e68079193", file).keepsKernelMac("cni0")).isFalse();
    }

    @Test
    void aFileWithoutAPolicyKeepsTheMacTooButPersistentDoesNot() {
        var noPolicy = UdevFacts.LinkFile.parse("20-flannel.link", "[Match]\nOriginalName=flannel.1\n[Link]\nMTUBytes=1450\n");
        var persistent = UdevFacts.LinkFile.parse("05-all.link", "[Match]\nOriginalName=*\n[Link]\nMACAddressPolicy=persistent\n");
        assertThat(withId("e802195cf2fbf8e48a79b30e68079193", noPolicy).keepsKernelMac("flannel.1")).isTrue();
        // The first file in name order applies: 05-all.link, persistent.
        assertThat(withId("e802195cf2fbf8e48a79b30e68079193", noPolicy, persistent).keepsKernelMac("flannel.1")).isFalse();
    }

    @Test
    void filesThatMatchOnMoreOrSortAfterTheDefaultAreNotCounted() {
        var byDriver = UdevFacts.LinkFile.parse("10-vxlan.link", "[Match]\nDriver=vxlan\nOriginalName=flannel*\n[Link]\nMACAddressPolicy=none\n");
        var late = UdevFacts.LinkFile.parse("99-zz-flannel.link", "[Match]\nOriginalName=flannel*\n[Link]\nMACAddressPolicy=none\n");
        assertThat(withId("e802195cf2fbf8e48a79b30e68079193", byDriver, late).keepsKernelMac("flannel.1")).isFalse();
    }

    @Test
    void globsAsFnmatch() {
        assertThat(UdevFacts.glob("flannel*", "flannel.1")).isTrue();
        assertThat(UdevFacts.glob("flannel.?", "flannel.1")).isTrue();
        assertThat(UdevFacts.glob("flannel.[0-9]", "flannel.1")).isTrue();
        assertThat(UdevFacts.glob("flannel.[!1]", "flannel.1")).isFalse();
        assertThat(UdevFacts.glob("flannel.1", "flannelx1")).isFalse();
    }
}
