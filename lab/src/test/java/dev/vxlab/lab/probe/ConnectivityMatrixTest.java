package dev.vxlab.lab.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.lab.pods.DnsZone;
import dev.vxlab.lab.pods.PodServers;
import dev.vxlab.lab.probe.Probe.DnsQuery.Transport;
import dev.vxlab.lab.testnet.LabNetwork;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Three sources against three targets on a real bridge, with one path broken by a drop rule in the pod. */
@Kernel
class ConnectivityMatrixTest {
    private static LabNetwork net;
    private static PodServers servers;

    @BeforeAll
    static void startPod() throws Exception {
        net = LabNetwork.create("coredns", "node-a", "pod-b");
        LabNetwork.Host coredns = net.host("coredns");
        servers = PodServers.start(coredns.netns(), coredns.ip(),
                DnsZone.kubernetes("cluster1.local", Ipv4.parse("10.186.0.1"), Ipv4.parse("10.186.0.2")));
    }

    @AfterAll
    static void stopPod() {
        if (servers != null) {
            servers.close();
        }
        if (net != null) {
            net.close();
        }
    }

    @Test
    void findsTheOneBrokenPathAndRendersAGrid() throws Exception {
        Ipv4 dns = net.host("coredns").ip();
        net.nft("coredns", """
                table inet fault {
                  chain input {
                    type filter hook input priority 0; policy accept;
                    ip saddr %s tcp dport 9153 drop
                  }
                }
                """.formatted(net.host("pod-b").ip()));
        List<ProbeSource> sources = List.of(
                new ProbeSource("node-a", net.host("node-a").netns()),
                new ProbeSource("pod-b", net.host("pod-b").netns()),
                new ProbeSource("coredns", net.host("coredns").netns()));
        List<ProbeTarget> targets = List.of(
                new ProbeTarget("dns-udp", new Probe.DnsQuery(dns, "kubernetes.default.svc.cluster1.local", Transport.UDP)),
                new ProbeTarget("dns-tcp", new Probe.DnsQuery(dns, "kubernetes.default.svc.cluster1.local", Transport.TCP)),
                new ProbeTarget("metrics", Probe.HttpGet.metrics(dns)));

        ConnectivityMatrix matrix = ConnectivityMatrix.measure(new Prober(Duration.ofMillis(400)), sources, targets);

        assertThat(matrix.allOk()).isFalse();
        assertThat(matrix.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.source()).isEqualTo("pod-b");
            assertThat(failure.probe()).isEqualTo(targets.get(2).probe());
        });
        assertThat(matrix.outcome("pod-b", "metrics")).isEqualTo(ProbeOutcome.TIMEOUT);
        assertThat(matrix.outcome("pod-b", "dns-tcp")).isEqualTo(ProbeOutcome.OK);
        assertThat(matrix.cell("node-a", "metrics").bytesRead()).isEqualTo(19491);
        assertThat(matrix.render()).startsWith("""
                         dns-udp  dns-tcp  metrics
                node-a   ok       ok       ok
                pod-b    ok       ok       TIMEOUT
                coredns  ok       ok       ok

                dns-udp: dig @%1$s kubernetes.default.svc.cluster1.local
                dns-tcp: dig @%1$s kubernetes.default.svc.cluster1.local +tcp
                metrics: curl http://%1$s:9153/metrics

                1 failure:
                  pod-b$ curl http://%1$s:9153/metrics -> TIMEOUT (no TCP connection within 400 ms) in\s""".formatted(dns));
        System.out.println(matrix.render());
    }

    @Test
    void aHealthyClusterIsAllOk() {
        Ipv4 dns = net.host("coredns").ip();
        ConnectivityMatrix matrix = ConnectivityMatrix.measure(new Prober(Duration.ofSeconds(2)),
                List.of(new ProbeSource("node-a", net.host("node-a").netns())),
                List.of(new ProbeTarget("dns", new Probe.DnsQuery(dns, "kube-dns.kube-system.svc.cluster1.local", Transport.UDP)),
                        new ProbeTarget("metrics", Probe.HttpGet.metrics(dns))));

        assertThat(matrix.allOk()).isTrue();
        assertThat(matrix.failures()).isEmpty();
        assertThat(matrix.cell("node-a", "dns").answers()).containsExactly(Ipv4.parse("10.186.0.2"));
        assertThat(matrix.render()).doesNotContain("failure");
    }
}
