package dev.vxlab.lab.reproduce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job, end to end on the real kernel: the field's 5-node cluster, every symptom, the recovery. */
class FieldBugStoryTest {

    @TempDir
    Path reports;

    @Test
    void reproducesEveryFieldSymptomAndTheRecovery() throws Exception {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        boolean reproduced = new FieldBugStory(new NetnsBackend(), 5, reports,
                new PrintStream(terminal, true, StandardCharsets.UTF_8)).play();
        String story = terminal.toString(StandardCharsets.UTF_8);

        assertThat(reproduced).as(story).isTrue();
        JsonNode report = new ObjectMapper().readTree(reports.resolve("report.json").toFile());
        assertThat(report.get("passed").asBoolean()).isTrue();
        List<String> held = new ArrayList<>();
        report.get("expectations").forEach(e -> {
            if (e.get("held").asBoolean()) {
                held.add(e.get("id").asText());
            }
        });
        assertThat(held).contains("healthy-before-the-fault", "dns-tcp-timeout", "dns-udp-timeout",
                "service-http-timeout", "pod-http-timeout-node", "pod-http-timeout-pod",
                "destination-sees-syn-and-answers", "synack-to-stale-mac", "syn-retransmitted-same-seq",
                "route-get-local", "otherhost-drops-rise", "advertised-differs", "broken-exactly-cross-node",
                "flanneld-republished", "healthy-after-the-flanneld-restart", "routes-gone", "routes-back",
                "healthy-after-the-second-flanneld-restart");

        // The field's order on the terminal: DNS first, then curl, then the capture, route get, the counter, the MAC.
        assertThat(story).containsSubsequence("dig @10.186.0.2 kubernetes.default.svc.cluster1.local +tcp",
                "curl http://10.187.1.24:9153/metrics", "capture at the source node", "ip route get 10.187.0.0",
                "otherhost", "advertised VtepMAC is not the device's MAC", "restart flanneld");
        assertThat(reports.resolve("node-172.31.159.19-flannel.1.pcap")).isNotEmptyFile();
        assertThat(reports.resolve("node-172.31.159.21-flannel.1.pcap")).isNotEmptyFile();
        assertThat(Files.readString(reports.resolve("report.md")))
                .contains("ea:77:37:86:ee:bf", "b6:9b:ed:b0:37:74", "Flags [S.]", "## Connectivity");
        assertThat(reports.resolve("nodes.json")).content().contains("\"VtepMAC\\\":\\\"b6:9b:ed:b0:37:74\\\"");
        assertThat(reports.resolve("nodes/172.31.159.19/run/flannel/subnet.env")).content()
                .contains("FLANNEL_SUBNET=10.187.0.1/24", "FLANNEL_MTU=1450");
    }
}
