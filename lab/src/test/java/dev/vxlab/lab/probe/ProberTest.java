package dev.vxlab.lab.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.netns.NetnsExecutor;
import dev.vxlab.lab.pods.DnsZone;
import dev.vxlab.lab.pods.PodServers;
import dev.vxlab.lab.probe.MisbehavingHttpServer.Misbehaviour;
import dev.vxlab.lab.probe.Probe.DnsQuery.Transport;
import dev.vxlab.lab.testnet.LabNetwork;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every outcome produced by the real kernel: a pod runs the CoreDNS stand-ins, a node and another pod probe it
 * across a bridge, and faults are injected with routes and nftables inside the namespaces.
 */
@Kernel
class ProberTest {
    private static final String NAME = "kubernetes.default.svc.cluster1.local";
    /** Short, because negative cases wait for the whole timeout. */
    private static final Prober PROBER = new Prober(Duration.ofMillis(500));

    private static LabNetwork net;
    private static LabNetwork.Host pod;
    private static ProbeSource node;
    private static ProbeSource other;
    private static PodServers servers;

    @BeforeAll
    static void startPod() throws Exception {
        net = LabNetwork.create("pod", "node", "other");
        pod = net.host("pod");
        node = new ProbeSource("node", net.host("node").netns());
        other = new ProbeSource("other", net.host("other").netns());
        servers = PodServers.start(pod.netns(), pod.ip(),
                DnsZone.kubernetes("cluster1.local", Ipv4.parse("10.186.0.1"), Ipv4.parse("10.186.0.2")));
    }

    @AfterEach
    void dropFaults() throws Exception {
        net.in("pod", "nft", "flush", "ruleset");
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
    void healthyPathsAreOkWithWhatTheyFound() {
        List<ProbeResult> results = PROBER.runAll(List.of(
                new ProbeRequest(node, new Probe.TcpConnect(pod.ip(), 53)),
                new ProbeRequest(node, Probe.HttpGet.metrics(pod.ip())),
                new ProbeRequest(node, new Probe.DnsQuery(pod.ip(), NAME, Transport.UDP)),
                new ProbeRequest(node, new Probe.DnsQuery(pod.ip(), NAME, Transport.TCP))));

        assertThat(results).allSatisfy(result -> assertThat(result.outcome()).as(result.summary()).isEqualTo(ProbeOutcome.OK));
        assertThat(results.get(1).detail()).isEqualTo("HTTP 200, 19491 bytes");
        assertThat(results.get(3).detail()).isEqualTo("NOERROR 10.186.0.1");
        assertThat(results.get(3).probe().describe()).isEqualTo("dig @" + pod.ip() + " " + NAME + " +tcp");
        assertThat(results.get(3).summary()).startsWith("node$ dig @" + pod.ip() + " " + NAME + " +tcp -> OK (NOERROR 10.186.0.1) in ");
    }

    @Test
    void aClosedPortIsRefusedOverTcpAndUdp() {
        List<ProbeResult> results = PROBER.runAll(List.of(
                new ProbeRequest(node, new Probe.TcpConnect(pod.ip(), 81)),
                new ProbeRequest(node, new Probe.HttpGet(pod.ip(), 81, "/metrics")),
                new ProbeRequest(node, new Probe.DnsQuery(pod.ip(), 5399, NAME, Transport.UDP)),
                new ProbeRequest(node, new Probe.DnsQuery(pod.ip(), 5399, NAME, Transport.TCP))));

        assertThat(results).extracting(ProbeResult::outcome).containsOnly(ProbeOutcome.REFUSED);
        assertThat(results.get(0).detail()).contains("Connection refused");
        assertThat(results.get(2).detail()).contains("ICMP port unreachable");
    }

    @Test
    void unreachableBlackholeAndProhibitRoutesAreUnreachableWithTheKernelsOwnWords() throws Exception {
        // TEST-NET-2 addresses, routed only inside the node's namespace.
        net.in("node", "ip", "route", "add", "unreachable", "198.51.100.0/26");
        net.in("node", "ip", "route", "add", "blackhole", "198.51.100.64/26");
        net.in("node", "ip", "route", "add", "prohibit", "198.51.100.128/26");

        List<ProbeResult> results = PROBER.runAll(List.of(
                new ProbeRequest(node, new Probe.TcpConnect(Ipv4.parse("198.51.100.1"), 80)),
                new ProbeRequest(node, new Probe.TcpConnect(Ipv4.parse("198.51.100.65"), 80)),
                new ProbeRequest(node, new Probe.TcpConnect(Ipv4.parse("198.51.100.129"), 80)),
                new ProbeRequest(node, new Probe.DnsQuery(Ipv4.parse("198.51.100.65"), NAME, Transport.UDP)),
                new ProbeRequest(node, new Probe.TcpConnect(Ipv4.parse("203.0.113.1"), 80))));

        assertThat(results).extracting(ProbeResult::outcome).containsOnly(ProbeOutcome.UNREACHABLE);
        assertThat(results).extracting(ProbeResult::detail).satisfiesExactly(
                unreachable -> assertThat(unreachable).contains("No route to host"),
                blackhole -> assertThat(blackhole).contains("Invalid argument").contains("blackhole"),
                prohibit -> assertThat(prohibit).contains("Permission denied").contains("prohibit"),
                udpBlackhole -> assertThat(udpBlackhole).contains("Invalid argument"),
                noRoute -> assertThat(noRoute).contains("Network is unreachable"));
    }

    @Test
    void droppedPacketsTimeOutOnlyOnTheDroppedPath() throws Exception {
        net.nft("pod", """
                table inet fault {
                  chain input {
                    type filter hook input priority 0; policy accept;
                    ip saddr %s drop
                  }
                }
                """.formatted(net.host("other").ip()));

        List<Probe> probes = List.of(new Probe.TcpConnect(pod.ip(), 9153), Probe.HttpGet.metrics(pod.ip()),
                new Probe.DnsQuery(pod.ip(), NAME, Transport.UDP), new Probe.DnsQuery(pod.ip(), NAME, Transport.TCP));
        List<ProbeResult> fromOther = PROBER.runAll(probes.stream().map(p -> new ProbeRequest(other, p)).toList());
        List<ProbeResult> fromNode = PROBER.runAll(probes.stream().map(p -> new ProbeRequest(node, p)).toList());

        assertThat(fromOther).extracting(ProbeResult::outcome).containsOnly(ProbeOutcome.TIMEOUT);
        assertThat(fromOther.get(0).detail()).isEqualTo("no TCP connection within 500 ms");
        assertThat(fromOther.get(2).detail()).isEqualTo("no answer within 500 ms");
        assertThat(fromNode).extracting(ProbeResult::outcome).containsOnly(ProbeOutcome.OK);
    }

    @Test
    void largePacketsLostAfterTheHandshakeLeaveHttpWithoutAResponseWhileDnsStillWorks() throws Exception {
        // What an MTU black hole does: small packets (handshake, request, DNS) pass, full-size segments vanish.
        net.nft("pod", """
                table inet fault {
                  chain output {
                    type filter hook output priority 0; policy accept;
                    tcp sport 9153 meta length > 1000 drop
                  }
                }
                """);

        List<ProbeResult> results = PROBER.runAll(List.of(
                new ProbeRequest(node, Probe.HttpGet.metrics(pod.ip())),
                new ProbeRequest(node, new Probe.TcpConnect(pod.ip(), 9153)),
                new ProbeRequest(node, new Probe.DnsQuery(pod.ip(), NAME, Transport.TCP))));

        // The server writes head and body in one go, so the first segment is already too big: no head arrives.
        assertThat(results.get(0).outcome()).as(results.get(0).summary()).isEqualTo(ProbeOutcome.TIMEOUT);
        assertThat(results.get(0).detail()).isEqualTo("connected, but no response within 500 ms");
        assertThat(results.get(1).outcome()).isEqualTo(ProbeOutcome.OK);
        assertThat(results.get(2).outcome()).isEqualTo(ProbeOutcome.OK);
    }

    @Test
    void aBodyCutShortByEofIsShortBody() throws Exception {
        try (var _ = MisbehavingHttpServer.start(pod.netns(), pod.ip(), 8081, Misbehaviour.CLOSE_MID_BODY)) {
            ProbeResult result = PROBER.run(node, new Probe.HttpGet(pod.ip(), 8081, "/metrics"));

            assertThat(result.outcome()).as(result.summary()).isEqualTo(ProbeOutcome.SHORT_BODY);
            assertThat(result.httpStatus()).hasValue(200);
            assertThat(result.bytesRead()).isEqualTo(MisbehavingHttpServer.SENT);
            assertThat(result.detail()).isEqualTo("HTTP 200, 1000 of 19491 bytes, then EOF");
        }
    }

    @Test
    void aBodyThatStallsUntilTheDeadlineIsShortBodyAndAMissingResponseIsTimeout() throws Exception {
        try (var _ = MisbehavingHttpServer.start(pod.netns(), pod.ip(), 8082, Misbehaviour.STALL_MID_BODY);
                var _ = MisbehavingHttpServer.start(pod.netns(), pod.ip(), 8083, Misbehaviour.NEVER_ANSWER)) {
            List<ProbeResult> results = PROBER.runAll(List.of(
                    new ProbeRequest(node, new Probe.HttpGet(pod.ip(), 8082, "/metrics")),
                    new ProbeRequest(node, new Probe.HttpGet(pod.ip(), 8083, "/metrics"))));

            assertThat(results.get(0).outcome()).isEqualTo(ProbeOutcome.SHORT_BODY);
            assertThat(results.get(0).bytesRead()).isEqualTo(MisbehavingHttpServer.SENT);
            assertThat(results.get(0).detail()).endsWith("then nothing until the 500 ms deadline");
            assertThat(results.get(1).outcome()).isEqualTo(ProbeOutcome.TIMEOUT);
            assertThat(results.get(1).detail()).isEqualTo("connected, but no response within 500 ms");
        }
    }

    @Test
    void httpErrorsAreErrorsButStillCarryTheResponse() {
        ProbeResult result = PROBER.run(node, new Probe.HttpGet(pod.ip(), 9153, "/nope"));

        assertThat(result.outcome()).isEqualTo(ProbeOutcome.ERROR);
        assertThat(result.httpStatus()).hasValue(404);
        assertThat(result.detail()).isEqualTo("HTTP 404, 19 bytes");
    }

    @Test
    void manyProbesRunAtOnceAndComeBackInInputOrder() throws Exception {
        net.nft("pod", """
                table inet fault {
                  chain input {
                    type filter hook input priority 0; policy accept;
                    tcp dport 9153 ip saddr %s drop
                  }
                }
                """.formatted(net.host("other").ip()));
        List<ProbeRequest> requests = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            requests.add(new ProbeRequest(i % 2 == 0 ? other : node, new Probe.TcpConnect(pod.ip(), 9153)));
        }

        List<ProbeResult> results = PROBER.runAll(requests);

        assertThat(results).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(results.get(i).source()).isEqualTo(requests.get(i).source().label());
            assertThat(results.get(i).outcome()).isEqualTo(i % 2 == 0 ? ProbeOutcome.TIMEOUT : ProbeOutcome.OK);
        }
    }

    @Test
    void aClosedSourceNamespaceIsAnErrorNotAnException() throws Exception {
        NetnsExecutor closed = NetnsExecutor.open(Path.of("/run/netns", pod.namespace()));
        closed.close();

        ProbeResult result = PROBER.run(new ProbeSource("gone", closed), new Probe.TcpConnect(pod.ip(), 53));

        assertThat(result.outcome()).isEqualTo(ProbeOutcome.ERROR);
        assertThat(result.detail()).contains("cannot open a socket in");
    }
}
