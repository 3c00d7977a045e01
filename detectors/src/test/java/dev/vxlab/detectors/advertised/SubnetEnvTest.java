package dev.vxlab.detectors.advertised;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import org.junit.jupiter.api.Test;

class SubnetEnvTest {
    /** The field's /run/flannel/subnet.env. */
    static final String FIELD = """
            FLANNEL_NETWORK=10.187.0.0/16
            FLANNEL_SUBNET=10.187.0.1/24
            FLANNEL_MTU=1450
            FLANNEL_IPMASQ=true
            """;

    @Test
    void readsTheFieldFile() throws Exception {
        SubnetEnv env = SubnetEnv.parse(FIELD);
        assertThat(env.network()).isEqualTo(Ipv4Prefix.parse("10.187.0.0/16"));
        assertThat(env.subnet()).hasToString("10.187.0.1/24");
        assertThat(env.subnet().canonical()).hasToString("10.187.0.0/24");
        assertThat(env.mtu()).isEqualTo(1450);
        assertThat(env.ipMasq()).isTrue();
    }

    @Test
    void writesWhatFlanneldWritesAndReadsItBack() throws Exception {
        SubnetEnv env = SubnetEnv.parse(FIELD);
        assertThat(env.toFileText()).isEqualTo(FIELD);
        SubnetEnv other = new SubnetEnv(Ipv4Prefix.parse("10.244.0.0/16"), Ipv4Prefix.parse("10.244.7.1/24"), 8951,
                false);
        assertThat(SubnetEnv.parse(other.toFileText())).isEqualTo(other);
    }

    @Test
    void ignoresOtherKeysCommentsAndQuotes() throws Exception {
        String text = "# written by flanneld\nFLANNEL_NETWORK=\"10.187.0.0/16\"\nFLANNEL_IPV6_NETWORK=fd00::/48\n"
                + "FLANNEL_SUBNET=10.187.0.1/24\n\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n";
        assertThat(SubnetEnv.parse(text)).isEqualTo(new SubnetEnv(Ipv4Prefix.parse("10.187.0.0/16"),
                Ipv4Prefix.parse("10.187.0.1/24"), 1450, false));
    }

    @Test
    void badFilesAreOneSentenceNamingTheKey() {
        assertThatThrownBy(() -> SubnetEnv.parse(FIELD.replace("FLANNEL_SUBNET=10.187.0.1/24\n", "")))
                .isInstanceOf(AdvertisedViewException.class).hasMessage("subnet.env has no FLANNEL_SUBNET");
        assertThatThrownBy(() -> SubnetEnv.parse(FIELD.replace("10.187.0.1/24", "10.187.0.1/40")))
                .hasMessage("subnet.env: FLANNEL_SUBNET '10.187.0.1/40' is not an IPv4 CIDR");
        assertThatThrownBy(() -> SubnetEnv.parse(FIELD.replace("10.187.0.0/16", "10.187.0.0")))
                .hasMessage("subnet.env: FLANNEL_NETWORK '10.187.0.0' is not an IPv4 CIDR");
        assertThatThrownBy(() -> SubnetEnv.parse(FIELD.replace("1450", "jumbo")))
                .hasMessage("subnet.env: FLANNEL_MTU 'jumbo' is not an MTU");
        assertThatThrownBy(() -> SubnetEnv.parse(FIELD.replace("IPMASQ=true", "IPMASQ=1")))
                .hasMessage("subnet.env: FLANNEL_IPMASQ is '1', not true or false");
        assertThatThrownBy(() -> SubnetEnv.parse("FLANNEL_NETWORK 10.187.0.0/16\n"))
                .hasMessage("subnet.env has a line that is not KEY=VALUE: 'FLANNEL_NETWORK 10.187.0.0/16'");
    }
}
