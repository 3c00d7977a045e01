package dev.vxlab.lab.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.PodPlan;
import org.junit.jupiter.api.Test;

class ServiceProxyTest {

    @Test
    void theFieldsDnsServiceIsSpreadOverEveryCoreDnsPod() {
        ClusterSpec field = ClusterSpec.field(5);
        String rules = ServiceProxy.rules(field).orElseThrow();
        assertThat(field.dnsPods()).hasSizeGreaterThan(1);
        assertThat(rules).contains("table ip vxlab-services")
                .contains("ip daddr " + field.dnsServiceIp() + " ")
                .contains("numgen inc mod " + field.dnsPods().size())
                .contains("ip saddr != " + field.podNetwork() + " masquerade");
        for (PodPlan dns : field.dnsPods()) {
            assertThat(rules).contains(" : " + dns.ip());
        }
    }

    @Test
    void theGatewayIsTheFieldsDotTwoFiftyFour() {
        assertThat(ClusterSpec.field(5).gateway()).hasToString("172.31.159.254");
        assertThat(ClusterSpec.field(5).nodes()).noneMatch(n -> n.publicIp().equals(ClusterSpec.field(5).gateway()));
    }
}
