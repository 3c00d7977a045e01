package dev.vxlab.lab.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.netns.NetnsExecutor;
import dev.vxlab.lab.probe.Probe;
import dev.vxlab.lab.probe.Probe.DnsQuery.Transport;
import dev.vxlab.lab.probe.ProbeOutcome;
import dev.vxlab.lab.probe.ProbeRequest;
import dev.vxlab.lab.probe.ProbeResult;
import dev.vxlab.lab.probe.ProbeSource;
import dev.vxlab.lab.probe.Prober;
import dev.vxlab.lab.testkit.RequiredTool;
import dev.vxlab.lab.testnet.LabNetwork;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The CoreDNS stand-ins on a real bridge between network namespaces: a pod serves, a node asks. */
@Kernel
class PodServersTest {
    private static final String DOMAIN = "cluster1.local";
    private static final DnsZone ZONE =
            DnsZone.kubernetes(DOMAIN, Ipv4.parse("10.186.0.1"), Ipv4.parse("10.186.0.2"));

    private static LabNetwork net;
    private static LabNetwork.Host pod;
    private static ProbeSource node;
    private static PodServers servers;
    private static final Prober PROBER = new Prober(Duration.ofSeconds(2));

    @BeforeAll
    static void startPod() throws Exception {
        net = LabNetwork.create("pod", "node");
        pod = net.host("pod");
        node = new ProbeSource("node", net.host("node").netns());
        servers = PodServers.start(pod.netns(), pod.ip(), ZONE);
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
    void dnsAnswersTheServiceRecordsOverUdpAndTcp() {
        List<ProbeResult> results = PROBER.runAll(List.of(
                ask("kubernetes.default.svc.cluster1.local", Transport.UDP),
                ask("kubernetes.default.svc.cluster1.local", Transport.TCP),
                ask("kube-dns.kube-system.svc.cluster1.local", Transport.UDP),
                ask("kube-dns.kube-system.svc.cluster1.local", Transport.TCP)));

        assertThat(results).allSatisfy(result -> {
            assertThat(result.outcome()).as(result.summary()).isEqualTo(ProbeOutcome.OK);
            assertThat(result.rcode()).contains("NOERROR");
        });
        assertThat(results).extracting(ProbeResult::answers).containsExactly(
                List.of(Ipv4.parse("10.186.0.1")), List.of(Ipv4.parse("10.186.0.1")),
                List.of(Ipv4.parse("10.186.0.2")), List.of(Ipv4.parse("10.186.0.2")));
    }

    @Test
    void dnsSaysNxdomainInsideTheClusterDomainAndRefusesOtherZones() {
        List<ProbeResult> results = PROBER.runAll(List.of(
                ask("nope.default.svc.cluster1.local", Transport.UDP),
                ask("nope.default.svc.cluster1.local", Transport.TCP),
                ask("example.com", Transport.UDP)));

        assertThat(results.get(0).rcode()).contains("NXDOMAIN");
        assertThat(results.get(1).rcode()).contains("NXDOMAIN");
        assertThat(results.get(0).outcome()).as("NXDOMAIN is an answer").isEqualTo(ProbeOutcome.OK);
        assertThat(results.get(2).rcode()).contains("REFUSED");
        assertThat(results.get(2).outcome()).isEqualTo(ProbeOutcome.ERROR);
        assertThat(results.get(2).answers()).isEmpty();
    }

    @Test
    void dnsOverTcpAnswersSeveralQueriesOnOneConnection() throws Exception {
        List<String> names = List.of("kubernetes.default.svc.cluster1.local.", "nope.cluster1.local.",
                "kube-dns.kube-system.svc.cluster1.local.");
        try (SocketChannel connection = connect(net.host("node").netns(), new InetSocketAddress(pod.ip().toInetAddress(), 53))) {
            ByteBuffer all = ByteBuffer.allocate(4096);
            List<Integer> ids = new ArrayList<>();
            for (String name : names) { // all three in one write: a pipelining client
                byte[] wire = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)).toWire();
                ids.add(((wire[0] & 0xff) << 8) | (wire[1] & 0xff));
                all.putShort((short) wire.length).put(wire);
            }
            connection.write(all.flip());
            InputStream in = connection.socket().getInputStream();
            List<String> answers = new ArrayList<>();
            for (int id : ids) {
                int length = (in.read() << 8) | in.read();
                Message response = new Message(in.readNBytes(length));
                assertThat(response.getHeader().getID()).isEqualTo(id);
                answers.add(response.getSection(Section.ANSWER).stream()
                        .map(record -> ((ARecord) record).getAddress().getHostAddress()).findFirst().orElse("-"));
            }
            assertThat(answers).containsExactly("10.186.0.1", "-", "10.186.0.2");
        }
    }

    @Test
    void metricsServesTheFieldBodyInFull() {
        ProbeResult result = PROBER.run(node, Probe.HttpGet.metrics(pod.ip()));

        assertThat(result.outcome()).as(result.summary()).isEqualTo(ProbeOutcome.OK);
        assertThat(result.httpStatus()).hasValue(200);
        assertThat(result.bytesRead()).isEqualTo(19491);
        assertThat(result.probe().describe()).isEqualTo("curl http://" + pod.ip() + ":9153/metrics");
    }

    @Test
    void metricsKeepsTheConnectionAliveAndAnswersHeadAndUnknownPaths() throws Exception {
        try (SocketChannel connection = connect(net.host("node").netns(), servers.metrics().address())) {
            InputStream in = connection.socket().getInputStream();

            send(connection, "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 19491\r\n")
                    .contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n");

            send(connection, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); // same connection: HEAD sent no body
            assertThat(readHead(in)).startsWith("HTTP/1.1 200 OK");
            assertThat(in.readNBytes(19491)).isEqualTo(MetricsServer.body());

            send(connection, "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(readHead(in)).startsWith("HTTP/1.1 404 Not Found");
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("404 page not found\n");
        }
    }

    @Test
    void curlInTheNodeNamespaceAgrees() throws Exception {
        RequiredTool.require("curl", RequiredTool.onPath("curl"), "apt-get install curl; .ci/run installs it");
        String out = net.in("node", "curl", "-sS", "-o", "/dev/null", "-m", "5", "-w",
                "%{http_code} %{size_download} %{content_type}", "http://" + pod.ip() + ":9153/metrics").stdout();
        assertThat(out).isEqualTo("200 19491 text/plain; version=0.0.4; charset=utf-8");
    }

    @Test
    void serverSocketsLiveOnlyInThePodNamespace() throws Exception {
        try (MetricsServer _ = MetricsServer.start(pod.netns(), Ipv4.parse("0.0.0.0"), 9155);
                NetnsExecutor jvmNamespace = NetnsExecutor.open(Path.of("/proc/self/ns/net"))) {
            ProbeSource inPod = new ProbeSource("pod", pod.netns());
            ProbeSource inJvm = new ProbeSource("test-jvm", jvmNamespace);
            Probe loopback = new Probe.HttpGet(Ipv4.parse("127.0.0.1"), 9155, "/metrics");

            List<ProbeResult> results = PROBER.runAll(List.of(
                    new ProbeRequest(inPod, loopback),
                    new ProbeRequest(inJvm, loopback),
                    new ProbeRequest(inJvm, Probe.HttpGet.metrics(pod.ip()))));

            assertThat(results).extracting(ProbeResult::outcome)
                    .containsExactly(ProbeOutcome.OK, ProbeOutcome.REFUSED, ProbeOutcome.UNREACHABLE);
            assertThat(results.get(2).detail()).contains("Network is unreachable");
        }
    }

    @Test
    void closingEndsEveryThreadClosesIdleConnectionsAndFreesThePorts() throws Exception {
        PodServers extra = PodServers.start(pod.netns(), pod.ip(), 5353, 9253, ZONE);
        try (SocketChannel idleDns = connect(net.host("node").netns(), extra.dns().address());
                SocketChannel idleHttp = connect(net.host("node").netns(), extra.metrics().address())) {
            // Both server-side handlers are now blocked in a read; close must wake them.
            assertThat(PROBER.run(node, new Probe.DnsQuery(pod.ip(), 5353, "kubernetes.default.svc.cluster1.local",
                    Transport.UDP)).ok()).isTrue();
            extra.close();

            assertThat(extra.stopped()).isTrue();
            assertThat(idleDns.socket().getInputStream().read()).as("server closed the idle DNS connection").isEqualTo(-1);
            assertThat(idleHttp.socket().getInputStream().read()).isEqualTo(-1);
        }
        assertThat(PROBER.run(node, new Probe.TcpConnect(pod.ip(), 9253)).outcome()).isEqualTo(ProbeOutcome.REFUSED);
        try (PodServers _ = PodServers.start(pod.netns(), pod.ip(), 5353, 9253, ZONE)) {
            assertThat(PROBER.run(node, new Probe.HttpGet(pod.ip(), 9253, "/metrics")).ok()).isTrue();
        }
    }

    @Test
    void startingOnAnAddressTheNamespaceLacksFailsAndLeavesNothingOpen() throws Exception {
        assertThatThrownBy(() -> PodServers.start(pod.netns(), net.unusedIp(), 5354, 9254, ZONE))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot assign requested address")
                .hasMessageContaining(pod.namespace());
        // The DNS half would have been bound first; the pod IP's port 5354 must still be free.
        try (DnsServer dns = DnsServer.start(pod.netns(), pod.ip(), 5354, ZONE)) {
            assertThat(dns.address().getPort()).isEqualTo(5354);
        }
    }

    private static ProbeRequest ask(String name, Transport transport) {
        return new ProbeRequest(node, new Probe.DnsQuery(pod.ip(), name, transport));
    }

    /** A blocking client socket in the given namespace; reads through its stream time out instead of hanging. */
    private static SocketChannel connect(NetnsExecutor from, InetSocketAddress to) throws Exception {
        SocketChannel channel = from.call(() -> SocketChannel.open(StandardProtocolFamily.INET));
        channel.socket().connect(to, 2000);
        channel.socket().setSoTimeout(2000);
        return channel;
    }

    private static void send(SocketChannel connection, String text) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            connection.write(out);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF inside a response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
