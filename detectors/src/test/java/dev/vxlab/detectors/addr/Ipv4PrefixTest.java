package dev.vxlab.detectors.addr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Ipv4PrefixTest {

    @Test
    void cutsPerNodeSubnetsOutOfThePodNetwork() {
        Ipv4Prefix pods = Ipv4Prefix.parse("10.187.0.0/16");
        assertThat(pods.subnet(24, 4)).hasToString("10.187.4.0/24");
        assertThat(pods.subnet(24, 4).host(1)).hasToString("10.187.4.1");
        assertThat(pods.contains(Ipv4.parse("10.187.200.9"))).isTrue();
        assertThat(pods.contains(Ipv4.parse("10.186.0.2"))).isFalse();
    }

    @Test
    void interfaceAddressesKeepTheirHostBitsUntilCanonicalised() {
        Ipv4Prefix cni = Ipv4Prefix.parse("10.187.0.1/24");
        assertThat(cni.address()).hasToString("10.187.0.1");
        assertThat(cni.canonical()).hasToString("10.187.0.0/24");
        assertThat(Ipv4Prefix.parse("10.0.0.0/8").overlaps(cni)).isTrue();
    }

    @Test
    void rejectsMalformedText() {
        assertThatThrownBy(() -> Ipv4Prefix.parse("10.187.0.0/33")).hasMessageContaining("10.187.0.0/33");
        assertThatThrownBy(() -> Ipv4Prefix.parse("10.187.0/16")).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> Ipv4.parse("256.1.1.1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ipv4Prefix.parse("10.0.0.0/16").subnet(24, 256))
                .hasMessageContaining("only 256");
    }

    @Test
    void macAddressesRoundTripInIproute2Form() {
        MacAddress mac = MacAddress.parse("EA:77:37:86:ee:bf");
        assertThat(mac).hasToString("ea:77:37:86:ee:bf");
        assertThat(MacAddress.ofBytes(new byte[] {(byte) 0xb6, (byte) 0x9b, (byte) 0xed, (byte) 0xb0, 0x37, 0x74}))
                .hasToString("b6:9b:ed:b0:37:74");
        assertThat(MacAddress.randomLocal(new java.util.Random(1)).bits() & (3L << 40)).isEqualTo(2L << 40);
    }
}
