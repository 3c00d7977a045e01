package dev.vxlab.lab.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.lab.probe.Probe.DnsQuery.Transport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The outcome of curl, dig and bash from their exit codes and outputs, as captured from the real tools (curl 7.88, dig 9.18). */
class ClientOutcomesTest {
    private static final Duration BUDGET = Duration.ofMillis(800);
    private static final Ipv4 POD = Ipv4.parse("10.9.0.2");
    private static final Probe.HttpGet HTTP = Probe.HttpGet.metrics(POD);
    private static final Probe.DnsQuery UDP = new Probe.DnsQuery(POD, "kubernetes.default.svc.cluster1.local", Transport.UDP);
    private static final Probe.DnsQuery TCP = new Probe.DnsQuery(POD, "kubernetes.default.svc.cluster1.local", Transport.TCP);
    private static final Probe.TcpConnect CONNECT = new Probe.TcpConnect(POD, 53);

    private static Observation seen(Probe probe, int exit, String stdout, String stderr) {
        List<String> argv = switch (probe) {
            case Probe.HttpGet h -> CurlHttpGet.command(h, BUDGET);
            case Probe.DnsQuery d -> DigDnsQuery.command(d, BUDGET);
            case Probe.TcpConnect t -> BashTcpConnect.command(t, BUDGET);
        };
        return RemoteProbes.classify(new CommandResult(argv, exit, stdout, stderr), probe, BUDGET, "node-a");
    }

    @Test
    void curlsWholeBodyIsOkAndAnHttpErrorIsAnErrorWithTheResponse() {
        String head = """
                *   Trying 10.9.0.2:9153...
                * Connected to 10.9.0.2 (10.9.0.2) port 9153 (#0)
                > GET /metrics HTTP/1.1
                < HTTP/1.1 %s
                < Content-Type: text/plain
                < Content-Length: %d
                <\s
                """;
        Observation ok = seen(HTTP, 0, "vxlab-probe status=200 bytes=19491\n", head.formatted("200 OK", 19491));
        Observation notFound = seen(HTTP, 0, "vxlab-probe status=404 bytes=19\n", head.formatted("404 Not Found", 19));

        assertThat(ok).isEqualTo(Observation.ok("HTTP 200, 19491 bytes", new Evidence.Http(200, 19491, 19491)));
        assertThat(notFound).isEqualTo(new Observation(ProbeOutcome.ERROR, "HTTP 404, 19 bytes",
                new Evidence.Http(404, 19, 19)));
    }

    @Test
    void curlsConnectFailuresCarryTheKernelsWords() {
        String refused = """
                *   Trying 10.9.0.2:81...
                * connect to 10.9.0.2 port 81 failed: Connection refused
                * Failed to connect to 10.9.0.2 port 81 after 0 ms: Couldn't connect to server
                curl: (7) Failed to connect to 10.9.0.2 port 81 after 0 ms: Couldn't connect to server
                """;
        String blackhole = """
                *   Trying 198.51.100.65:81...
                * Immediate connect fail for 198.51.100.65: Invalid argument
                curl: (7) Failed to connect to 198.51.100.65 port 81 after 0 ms: Couldn't connect to server
                """;
        String olderCurl = "curl: (7) Failed to connect to 10.9.0.2 port 81: No route to host\n";

        assertThat(seen(HTTP, 7, "", refused)).isEqualTo(Observation.of(ProbeOutcome.REFUSED, "Connection refused"));
        assertThat(seen(HTTP, 7, "", blackhole))
                .isEqualTo(Observation.of(ProbeOutcome.UNREACHABLE, "Invalid argument (blackhole route)"));
        assertThat(seen(HTTP, 7, "", olderCurl)).isEqualTo(Observation.of(ProbeOutcome.UNREACHABLE, "No route to host"));
    }

    @Test
    void curlsTimeoutsSayHowFarTheExchangeGot() {
        String noConnection = "*   Trying 10.9.0.77:81...\n* Connection timed out after 801 milliseconds\n"
                + "curl: (28) Connection timed out after 801 milliseconds\n";
        String noResponse = "* Connected to 10.9.0.2 (10.9.0.2) port 84 (#0)\n> GET / HTTP/1.1\n"
                + "curl: (28) Operation timed out after 801 milliseconds with 0 bytes received\n";
        String stalledBody = "* Connected to 10.9.0.2 (10.9.0.2) port 86 (#0)\n< HTTP/1.1 200 OK\n"
                + "< Content-Length: 19491\n<\n{ [1000 bytes data]\n"
                + "curl: (28) Operation timed out after 801 milliseconds with 1000 out of 19491 bytes received\n";

        assertThat(seen(HTTP, 28, "vxlab-probe status=000 bytes=0\n", noConnection))
                .isEqualTo(Observation.of(ProbeOutcome.TIMEOUT, "no TCP connection within 800 ms"));
        assertThat(seen(HTTP, 28, "vxlab-probe status=000 bytes=0\n", noResponse))
                .isEqualTo(Observation.of(ProbeOutcome.TIMEOUT, "connected, but no response within 800 ms"));
        assertThat(seen(HTTP, 28, "vxlab-probe status=200 bytes=1000\n", stalledBody)).isEqualTo(new Observation(
                ProbeOutcome.SHORT_BODY, "HTTP 200, 1000 of 19491 bytes, then nothing until the 800 ms deadline",
                new Evidence.Http(200, 19491, 1000)));
    }

    @Test
    void curlsBodyCutByEofOrResetIsShortBodyAndAResetBeforeTheHeadIsAnError() {
        String head = "* Connected to 10.9.0.2 (10.9.0.2) port 85 (#0)\n< HTTP/1.1 200 OK\n< Content-Length: 19491\n<\n";

        assertThat(seen(HTTP, 18, "vxlab-probe status=200 bytes=1000\n",
                head + "curl: (18) transfer closed with 18491 bytes remaining to read\n"))
                .isEqualTo(new Observation(ProbeOutcome.SHORT_BODY, "HTTP 200, 1000 of 19491 bytes, then EOF",
                        new Evidence.Http(200, 19491, 1000)));
        assertThat(seen(HTTP, 56, "vxlab-probe status=200 bytes=1000\n",
                head + "curl: (56) Recv failure: Connection reset by peer\n").outcome()).isEqualTo(ProbeOutcome.SHORT_BODY);
        assertThat(seen(HTTP, 56, "vxlab-probe status=000 bytes=0\n",
                "* Connected to 10.9.0.2 (10.9.0.2) port 85 (#0)\ncurl: (56) Recv failure: Connection reset by peer\n"))
                .isEqualTo(Observation.of(ProbeOutcome.ERROR, "Connection reset by peer"));
        assertThat(seen(HTTP, 52, "", "curl: (52) Empty reply from server\n"))
                .isEqualTo(Observation.of(ProbeOutcome.ERROR, "connection closed without a response"));
    }

    @Test
    void digsAnswersAndRcodes() {
        String answer = """
                ; <<>> DiG 9.18.49-1~deb12u3-Debian <<>> @10.9.0.2 kubernetes.default.svc.cluster1.local A
                ;; Got answer:
                ;; ->>HEADER<<- opcode: QUERY, status: %s, id: 4242
                ;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1

                ;; QUESTION SECTION:
                ;kubernetes.default.svc.cluster1.local. IN A

                ;; ANSWER SECTION:
                kubernetes.default.svc.cluster1.local. 30 IN A\t10.186.0.1

                ;; AUTHORITY SECTION:
                cluster1.local.\t30\tIN\tSOA\tns.dns.cluster1.local. hostmaster.cluster1.local. 1 7200 1800 86400 30

                ;; Query time: 0 msec
                """;

        assertThat(seen(UDP, 0, answer.formatted("NOERROR"), "")).isEqualTo(Observation.ok("NOERROR 10.186.0.1",
                new Evidence.Dns("NOERROR", List.of(Ipv4.parse("10.186.0.1")))));
        assertThat(seen(TCP, 0, answer.formatted("SERVFAIL"), "").outcome()).isEqualTo(ProbeOutcome.ERROR);
        assertThat(seen(TCP, 0, answer.formatted("SERVFAIL"), "").detail()).startsWith("rcode SERVFAIL");
    }

    @Test
    void digsSocketErrorsBecomeTheKernelsWords() {
        String tail = "\n;; no servers could be reached\n";

        assertThat(seen(UDP, 9, ";; communications error to 10.9.0.2#53: connection refused\n" + tail, ""))
                .isEqualTo(Observation.of(ProbeOutcome.REFUSED, "Connection refused (ICMP port unreachable)"));
        assertThat(seen(TCP, 9, ";; Connection to 10.9.0.2#53(10.9.0.2) for x failed: connection refused." + tail, ""))
                .isEqualTo(Observation.of(ProbeOutcome.REFUSED, "Connection refused"));
        assertThat(seen(UDP, 9, ";; UDP setup with 198.51.100.1#53(198.51.100.1) for x failed: host unreachable." + tail, ""))
                .isEqualTo(Observation.of(ProbeOutcome.UNREACHABLE, "No route to host"));
        assertThat(seen(UDP, 9, ";; UDP setup with 198.51.100.65#53(198.51.100.65) for x failed: invalid file." + tail, ""))
                .isEqualTo(Observation.of(ProbeOutcome.UNREACHABLE, "Invalid argument (blackhole route)"));
        assertThat(seen(TCP, 9, ";; Connection to 198.51.100.129#53(198.51.100.129) for x failed: permission denied." + tail, ""))
                .isEqualTo(Observation.of(ProbeOutcome.UNREACHABLE, "Permission denied (prohibit route)"));
        assertThat(seen(TCP, 9, ";; Connection to 10.9.0.2#53(10.9.0.2) for x failed: timed out." + tail, ""))
                .isEqualTo(Observation.of(ProbeOutcome.TIMEOUT, "no TCP connection within 1000 ms"));
        assertThat(seen(UDP, 9, ";; communications error to 10.9.0.77#53: timed out\n" + tail, ""))
                .isEqualTo(Observation.of(ProbeOutcome.TIMEOUT, "no answer within 1000 ms"));
        assertThat(seen(UDP, 9, ";; connection timed out; no servers could be reached\n", ""))
                .isEqualTo(Observation.of(ProbeOutcome.TIMEOUT, "no answer within 1000 ms"));
    }

    @Test
    void bashsConnectIsOkRefusedUnreachableOrTimedOut() {
        assertThat(seen(CONNECT, 0, "", "")).isEqualTo(Observation.ok("connected", Evidence.NONE));
        assertThat(seen(CONNECT, 1, "", "10.9.0.2/53: connect: Connection refused\n"
                + "10.9.0.2/53: line 1: /dev/tcp/10.9.0.2/53: Connection refused\n"))
                .isEqualTo(Observation.of(ProbeOutcome.REFUSED, "Connection refused"));
        assertThat(seen(CONNECT, 1, "", "10.9.0.2/53: connect: Network is unreachable\n"))
                .isEqualTo(Observation.of(ProbeOutcome.UNREACHABLE, "Network is unreachable"));
        assertThat(seen(CONNECT, 124, "", "")).isEqualTo(Observation.of(ProbeOutcome.TIMEOUT,
                "no TCP connection within 800 ms"));
    }

    @Test
    void aMissingClientIsOneSentenceNamingItsDebianPackage() {
        assertThat(seen(HTTP, 1, "", "exec of \"curl\" failed: No such file or directory\n")).isEqualTo(Observation.of(
                ProbeOutcome.ERROR, "curl is not installed on node-a; install the Debian package curl (apt-get install curl)"));
        assertThat(seen(UDP, 127, "", "timeout: failed to run command 'dig': No such file or directory\n").detail())
                .isEqualTo("dig is not installed on node-a; install the Debian package dnsutils (apt-get install dnsutils)");
        assertThat(seen(UDP, 127, "", "sh: 1: dig: not found\n").detail()).startsWith("dig is not installed");
    }
}
