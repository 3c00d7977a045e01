package dev.vxlab.lab.probe;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.remote.FileRoot;
import dev.vxlab.detectors.remote.NamespaceRemote;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The same kernel outcomes as {@link ProberTest}, from probes that real clients (curl, dig, bash) run through a
 * node's remote: every outcome the in-JVM runners give, with the same details where the client tells as much.
 */
@Kernel
class RemoteProberTest {
    private static final String NAME = "kubernetes.default.svc.cluster1.local";
    private static final Prober PROBER = new Prober(Duration.ofMillis(500));

    @TempDir
    static Path files;

    private static LabNetwork net;
    private static LabNetwork.Host pod;
    private static ProbeSource node;
    private static ProbeSource other;
    private static PodServers servers;

    @BeforeAll
    static void startPod() throws Exception {
        net = LabNetwork.create("pod", "node", "other");
        pod = net.host("pod");
        node = overRemote("node");
        other = overRemote("other");
        servers = PodServers.start(pod.netns(), pod.ip(),
                DnsZone.kubernetes("cluster1.local", Ipv4.parse("10.186.0.1"), Ipv4.parse("10.186.0.2")));
    }

    private static ProbeSource overRemote(String host) {
        return ProbeSource.overRemote(host,
                new NamespaceRemote(host, net.host(host).namespace(), new FileRoot(files.resolve(host))));
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
                new ProbeRequest(node, new Probe.DnsQuery(pod.ip(), NAME, Transport.TCP)),
                new ProbeRequest(node, new Probe.DnsQuery(pod.ip(), "nothing.cluster1.local", Transport.UDP))));

        assertThat(results).allSatisfy(result -> assertThat(result.outcome()).as(result.summary()).isEqualTo(ProbeOutcome.OK));
        assertThat(results.get(0).detail()).isEqualTo("connected");
        assertThat(results.get(1).detail()).isEqualTo("HTTP 200, 19491 bytes");
        assertThat(results.get(1).httpStatus()).hasValue(200);
        assertThat(results.get(1).bytesRead()).isEqualTo(19491);
        assertThat(results.get(2).detail()).isEqualTo("NOERROR 10.186.0.1");
        assertThat(results.get(3).detail()).isEqualTo("NOERROR 10.186.0.1");
        assertThat(results.get(3).answers()).containsExactly(Ipv4.parse("10.186.0.1"));
        assertThat(results.get(4).rcode()).hasValue("NXDOMAIN");
    }

    @Test
    void aClosedPortIsRefusedOverTcpAndUdp() {
        List<ProbeResult> results = PROBER.runAll(List.of(
                new ProbeRequest(node, new Probe.TcpConnect(pod.ip(), 81)),
                new ProbeRequest(node, new Probe.HttpGet(pod.ip(), 81, "/metrics")),
                new ProbeRequest(node, new Probe.DnsQuery(pod.ip(), 5399, NAME, Transport.UDP)),
                new ProbeRequest(node, new Probe.DnsQuery(pod.ip(), 5399, NAME, Transport.TCP))));

        assertThat(results).allSatisfy(result -> assertThat(result.outcome()).as(result.summary()).isEqualTo(ProbeOutcome.REFUSED));
        assertThat(results.get(0).detail()).contains("Connection refused");
        assertThat(results.get(1).detail()).contains("Connection refused");
        assertThat(results.get(2).detail()).contains("ICMP port unreachable");
    }

    @Test
    void unreachableBlackholeAndProhibitRoutesAreUnreachableWithTheKernelsOwnWords() throws Exception {
        net.in("node", "ip", "route", "add", "unreachable", "198.51.100.0/26");
        net.in("node", "ip", "route", "add", "blackhole", "198.51.100.64/26");
        net.in("node", "ip", "route", "add", "prohibit", "198.51.100.128/26");
        try {
            List<ProbeResult> results = PROBER.runAll(List.of(
                    new ProbeRequest(node, new Probe.TcpConnect(Ipv4.parse("198.51.100.1"), 80)),
                    new ProbeRequest(node, new Probe.TcpConnect(Ipv4.parse("198.51.100.65"), 80)),
                    new ProbeRequest(node, new Probe.TcpConnect(Ipv4.parse("198.51.100.129"), 80)),
                    new ProbeRequest(node, new Probe.DnsQuery(Ipv4.parse("198.51.100.65"), NAME, Transport.UDP)),
                    new ProbeRequest(node, new Probe.TcpConnect(Ipv4.parse("203.0.113.1"), 80)),
                    new ProbeRequest(node, new Probe.HttpGet(Ipv4.parse("198.51.100.1"), 80, "/")),
                    new ProbeRequest(node, new Probe.HttpGet(Ipv4.parse("198.51.100.129"), 80, "/")),
                    new ProbeRequest(node, new Probe.DnsQuery(Ipv4.parse("198.51.100.1"), NAME, Transport.UDP)),
                    new ProbeRequest(node, new Probe.DnsQuery(Ipv4.parse("203.0.113.1"), NAME, Transport.TCP))));

            assertThat(results).allSatisfy(result -> assertThat(result.outcome()).as(result.summary())
                    .isEqualTo(ProbeOutcome.UNREACHABLE));
            assertThat(results).extracting(ProbeResult::detail).satisfiesExactly(
                    unreachable -> assertThat(unreachable).contains("No route to host"),
                    blackhole -> assertThat(blackhole).contains("Invalid argument").contains("blackhole"),
                    prohibit -> assertThat(prohibit).contains("Permission denied").contains("prohibit"),
                    udpBlackhole -> assertThat(udpBlackhole).contains("Invalid argument"),
                    noRoute -> assertThat(noRoute).contains("Network is unreachable"),
                    httpUnreachable -> assertThat(httpUnreachable).contains("No route to host"),
                    httpProhibit -> assertThat(httpProhibit).contains("prohibit"),
                    dnsUnreachable -> assertThat(dnsUnreachable).contains("No route to host"),
                    dnsNoRoute -> assertThat(dnsNoRoute).contains("Network is unreachable"));
        } finally {
            net.in("node", "ip", "route", "flush", "198.51.100.0/24");
        }
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

        assertThat(fromOther).allSatisfy(result -> assertThat(result.outcome()).as(result.summary()).isEqualTo(ProbeOutcome.TIMEOUT));
        assertThat(fromOther.get(0).detail()).isEqualTo("no TCP connection within 500 ms");
        assertThat(fromOther.get(1).detail()).isEqualTo("no TCP connection within 500 ms");
        assertThat(fromOther.get(2).detail()).as("dig waits whole seconds").isEqualTo("no answer within 1000 ms");
        assertThat(fromNode).allSatisfy(result -> assertThat(result.outcome()).as(result.summary()).isEqualTo(ProbeOutcome.OK));
    }

    @Test
    void largePacketsLostAfterTheHandshakeLeaveHttpWithoutAResponseWhileDnsStillWorks() throws Exception {
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

        assertThat(results.get(0).outcome()).as(results.get(0).summary()).isEqualTo(ProbeOutcome.TIMEOUT);
        assertThat(results.get(0).detail()).isEqualTo("connected, but no response within 500 ms");
        assertThat(results.get(1).outcome()).as(results.get(1).summary()).isEqualTo(ProbeOutcome.OK);
        assertThat(results.get(2).outcome()).as(results.get(2).summary()).isEqualTo(ProbeOutcome.OK);
    }

    @Test
    void aBodyCutShortIsShortBodyAndAMissingResponseIsTimeout() throws Exception {
        try (var _ = MisbehavingHttpServer.start(pod.netns(), pod.ip(), 8081, Misbehaviour.CLOSE_MID_BODY);
                var _ = MisbehavingHttpServer.start(pod.netns(), pod.ip(), 8082, Misbehaviour.STALL_MID_BODY);
                var _ = MisbehavingHttpServer.start(pod.netns(), pod.ip(), 8083, Misbehaviour.NEVER_ANSWER)) {
            List<ProbeResult> results = PROBER.runAll(List.of(
                    new ProbeRequest(node, new Probe.HttpGet(pod.ip(), 8081, "/metrics")),
                    new ProbeRequest(node, new Probe.HttpGet(pod.ip(), 8082, "/metrics")),
                    new ProbeRequest(node, new Probe.HttpGet(pod.ip(), 8083, "/metrics"))));

            assertThat(results.get(0).outcome()).as(results.get(0).summary()).isEqualTo(ProbeOutcome.SHORT_BODY);
            assertThat(results.get(0).detail()).isEqualTo("HTTP 200, 1000 of 19491 bytes, then EOF");
            assertThat(results.get(0).bytesRead()).isEqualTo(MisbehavingHttpServer.SENT);
            assertThat(results.get(1).outcome()).as(results.get(1).summary()).isEqualTo(ProbeOutcome.SHORT_BODY);
            assertThat(results.get(1).detail()).isEqualTo("HTTP 200, 1000 of 19491 bytes, then nothing until the 500 ms deadline");
            assertThat(results.get(2).outcome()).as(results.get(2).summary()).isEqualTo(ProbeOutcome.TIMEOUT);
            assertThat(results.get(2).detail()).isEqualTo("connected, but no response within 500 ms");
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
    void theSameProbesGiveTheSameOutcomesOnTheFastPath() throws Exception {
        net.nft("pod", """
                table inet fault {
                  chain input {
                    type filter hook input priority 0; policy accept;
                    tcp dport 9153 ip saddr %s drop
                  }
                }
                """.formatted(net.host("other").ip()));
        List<Probe> probes = List.of(new Probe.TcpConnect(pod.ip(), 9153), Probe.HttpGet.metrics(pod.ip()),
                new Probe.TcpConnect(pod.ip(), 82), new Probe.DnsQuery(pod.ip(), NAME, Transport.UDP),
                new Probe.DnsQuery(pod.ip(), 5399, NAME, Transport.UDP), new Probe.DnsQuery(pod.ip(), NAME, Transport.TCP));
        ProbeSource fastOther = new ProbeSource("other", net.host("other").netns());

        List<ProbeOutcome> remote = PROBER.runAll(probes.stream().map(p -> new ProbeRequest(other, p)).toList())
                .stream().map(ProbeResult::outcome).toList();
        List<ProbeOutcome> fast = PROBER.runAll(probes.stream().map(p -> new ProbeRequest(fastOther, p)).toList())
                .stream().map(ProbeResult::outcome).toList();

        assertThat(remote).isEqualTo(fast).containsExactly(ProbeOutcome.TIMEOUT, ProbeOutcome.TIMEOUT,
                ProbeOutcome.REFUSED, ProbeOutcome.OK, ProbeOutcome.REFUSED, ProbeOutcome.OK);
    }
}
