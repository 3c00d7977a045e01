package dev.vxlab.detectors.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which devices NetworkManager activated itself, from nmcli's terse device list (as NetworkManager 1.42 printed it). */
class NmActivatedDevicesTest {
    @Test
    void connectedAndConnectingAreActivatedExternallyConnectedIsNot() {
        String nmcli = """
                lo:connected (externally)
                cni0:connected
                eth0:connected (externally)
                flannel.1:connected (externally)
                veth7ff5849b:connecting (getting IP configuration)
                docker0:unmanaged
                eth1:disconnected
                """;
        assertThat(NmFactsSource.activatedDevices(nmcli)).containsExactly("cni0", "veth7ff5849b");
    }

    @Test
    void nothingWhenNothingIsListed() {
        assertThat(NmFactsSource.activatedDevices("")).isEmpty();
    }
}
