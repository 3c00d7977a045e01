package dev.vxlab.lab.pods;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MetricsBodyTest {

    @Test
    void isExactlyTheFieldLengthAndTheSameEveryTime() {
        byte[] body = MetricsServer.body();
        assertThat(body).hasSize(19491).isEqualTo(MetricsBody.ofLength(19491));
        assertThat(MetricsBody.ofLength(4000)).hasSize(4000);
    }

    @Test
    void readsLikeCoreDnsPrometheusText() {
        String text = new String(MetricsServer.body(), StandardCharsets.US_ASCII);
        assertThat(text).startsWith("# HELP coredns_build_info ").endsWith("\n")
                .contains("# TYPE coredns_dns_request_duration_seconds histogram")
                .contains("coredns_dns_requests_total{proto=\"udp\",server=\"dns://:53\",type=\"A\"");
        assertThat(text.lines()).allSatisfy(line ->
                assertThat(line).matches("# .*|[a-z_]+(\\{[^}]*\\})? [-+0-9.e]+"));
    }
}
