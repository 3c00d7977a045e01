package dev.vxlab.lab.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.FileRoot;
import dev.vxlab.detectors.remote.LocalRemote;
import dev.vxlab.detectors.remote.NamespaceRemote;
import dev.vxlab.detectors.remote.ProcessRunner;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.RemoteException;
import dev.vxlab.detectors.remote.RemoteProcess;
import dev.vxlab.lab.testkit.RequiredTool;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real tcpdump on real veth devices between namespaces this test makes (inside the lab sandbox), started through a
 * {@link NamespaceRemote} whose node files live in a temporary directory; the pcaps it writes are decoded in Java.
 */
@Kernel
class PacketCaptureTest {
    private static final int PORT = 9153; // CoreDNS metrics, the port the field report curled
    private static final MacAddress WRONG_MAC = MacAddress.parse("02:00:00:00:00:99");

    @TempDir
    Path dir;

    @BeforeEach
    void captureWorksHere() {
        CaptureAvailability availability = PacketCapture.available();
        RequiredTool.require("tcpdump", availability.isAvailable(), availability instanceof
                CaptureAvailability.Unavailable(String reason) ? reason : "");
    }

    @Test
    void seesTheHandshakeWithTheRightMacsPortsAndFlags() throws Exception {
        try (TwoNamespaces lab = TwoNamespaces.create(); ServerSocketChannel _ = lab.listen(PORT)) {
            CaptureFile file;
            Remote node0 = new NamespaceRemote("node0", lab.clientNs, new FileRoot(dir.resolve("node0")));
            try (PacketCapture capture = PacketCapture.start(CapturePoint.on(node0, lab.clientDev),
                    dir.resolve("client.pcap"), "tcp port " + PORT)) {
                assertThat(lab.connectFromClient(PORT)).isEqualTo("connected");
                file = capture.stop();
            }
            PcapSummary summary = PcapSummary.read(file);

            assertThat(file.device()).isEqualTo(lab.clientDev);
            assertThat(file.node()).isEqualTo("node0");
            assertThat(file.packetsCaptured()).isEqualTo(summary.packets().size()).isGreaterThanOrEqualTo(3);
            CapturedPacket syn = summary.syns().getFirst();
            assertThat(syn.srcMac()).isEqualTo(lab.clientMac);
            assertThat(syn.dstMac()).isEqualTo(lab.serverMac);
            assertThat(syn.flow().orElseThrow().dstIp()).isEqualTo(lab.serverIp);
            assertThat(syn.flow().orElseThrow().srcIp()).isEqualTo(lab.clientIp);
            assertThat(syn.dstPort()).isEqualTo(PORT);
            assertThat(syn.tcpFlags()).isEqualTo("S");
            assertThat(syn.length()).isZero();

            CapturedPacket synAck = summary.synAcks().getFirst();
            assertThat(synAck.tcpFlags()).isEqualTo("S.");
            assertThat(synAck.srcMac()).isEqualTo(lab.serverMac);
            assertThat(synAck.dstMac()).isEqualTo(lab.clientMac);
            assertThat(synAck.flow()).contains(syn.flow().orElseThrow().reversed());
            assertThat(synAck.ack()).isEqualTo(syn.seq() + 1);

            assertThat(summary.synRetransmissions()).isEmpty();
            assertThat(summary.synAcksTo(lab.clientMac)).containsExactly(synAck);
            assertThat(summary.misaddressedSynAcks(lab.clientMac)).isEmpty();
            assertThat(summary.packets()).allSatisfy(p -> assertThat(p.kind()).isEqualTo(PacketKind.TCP));
            agreesWithTcpdumpsOwnReading(file.path(), summary);
        }
    }

    /** tcpdump -r on the same file prints, line by line, the flags, seq and ack the Java reader found. */
    private static void agreesWithTcpdumpsOwnReading(Path pcap, PcapSummary summary) {
        CommandResult read = ProcessRunner.run(List.of("tcpdump", "-r", pcap.toString(), "-nn", "-e", "-S"),
                Duration.ofSeconds(20));
        List<String> lines = read.stdout().lines().toList();
        assertThat(lines).hasSameSizeAs(summary.packets());
        for (int i = 0; i < lines.size(); i++) {
            CapturedPacket p = summary.packets().get(i);
            assertThat(lines.get(i)).contains(p.srcMac() + " > " + p.dstMac(), p.flow().orElseThrow().toString(),
                    "Flags [" + p.tcpFlags() + "]", "length " + p.length());
            if (ReportLine.printsSeq(p)) {
                assertThat(lines.get(i)).contains("], seq " + p.seq() + ",");
            } else {
                assertThat(lines.get(i)).doesNotContain(", seq ");
            }
            if (p.ack() != null) {
                assertThat(lines.get(i)).contains("ack " + p.ack() + ",");
            } else {
                assertThat(lines.get(i)).doesNotContain(", ack ");
            }
        }
    }

    /** tcpdump writes into the node's file system as its processes see it; the pcap comes back through get. */
    @Test
    void fetchesThePcapFromTheNodesFilesThroughTheRemote() throws Exception {
        try (TwoNamespaces lab = TwoNamespaces.create(); ServerSocketChannel _ = lab.listen(PORT)) {
            Path nodeRoot = dir.resolve("nodes/node1");
            RecordingRemote node = new RecordingRemote(new NamespaceRemote("node1", lab.serverNs,
                    new FileRoot(nodeRoot)));
            Path local = dir.resolve("report/server.pcap");
            CaptureFile file;
            String nodeFile;
            try (PacketCapture capture = PacketCapture.start(CapturePoint.on(node, lab.serverDev), local,
                    "tcp port " + PORT)) {
                nodeFile = capture.nodeFile();
                assertThat(nodeFile).startsWith("/var/tmp/vxlab/").endsWith("-server.pcap");
                assertThat(nodeRoot.resolve(nodeFile.substring(1))).as("tcpdump writes under the node's root")
                        .exists();
                assertThat(node.started).singleElement().satisfies(argv -> assertThat(argv).containsSubsequence(
                        "tcpdump", "-Z", "root", "-U", "-n", "-i", lab.serverDev, "-w",
                        nodeRoot.resolve(nodeFile.substring(1)).toString(), "tcp port " + PORT));
                assertThat(lab.connectFromClient(PORT)).isEqualTo("connected");
                file = capture.stop();
            }

            assertThat(node.fetched).containsExactly(nodeFile);
            assertThat(file.path()).isEqualTo(local).isNotEmptyFile();
            assertThat(file.node()).isEqualTo("node1");
            assertThat(nodeRoot.resolve(nodeFile.substring(1))).as("removed from the node once fetched")
                    .doesNotExist();
            PcapSummary summary = PcapSummary.read(file);
            assertThat(summary.synAcks()).singleElement().satisfies(p -> assertThat(p.srcMac())
                    .isEqualTo(lab.serverMac));
            assertThat(summary.packets()).hasSize((int) file.packetsCaptured());
        }
    }

    @Test
    void seesTheResetFromAClosedPortAndTheArpBeforeIt() throws Exception {
        try (TwoNamespaces lab = TwoNamespaces.create()) {
            CaptureFile file;
            try (PacketCapture capture = PacketCapture.start(point(lab.serverNs, lab.serverDev),
                    dir.resolve("server.pcap"))) {
                assertThat(lab.connectFromClient(PORT)).isEqualTo("Connection refused");
                file = capture.stop();
            }
            PcapSummary summary = PcapSummary.read(file);

            assertThat(file.node()).isEqualTo(lab.serverNs);
            assertThat(summary.packets()).extracting(CapturedPacket::kind).doesNotContain(PacketKind.UNPARSED);
            CapturedPacket whoHas = summary.packets().getFirst();
            assertThat(whoHas.kind()).isEqualTo(PacketKind.ARP);
            assertThat(whoHas.srcMac()).isEqualTo(lab.clientMac);
            assertThat(whoHas.dstMac()).isEqualTo(MacAddress.parse("ff:ff:ff:ff:ff:ff"));
            assertThat(whoHas.srcIp()).isEqualTo(lab.clientIp);
            assertThat(whoHas.dstIp()).isEqualTo(lab.serverIp);

            CapturedPacket syn = summary.syns().getFirst();
            CapturedPacket reset = summary.resets().getFirst();
            assertThat(reset.tcpFlags()).isEqualTo("R.");
            assertThat(reset.srcMac()).isEqualTo(lab.serverMac);
            assertThat(reset.dstMac()).isEqualTo(lab.clientMac);
            assertThat(reset.srcPort()).isEqualTo(PORT);
            assertThat(reset.dstPort()).isEqualTo(syn.srcPort());
            assertThat(reset.ack()).isEqualTo(syn.seq() + 1);
            assertThat(summary.synAcks()).isEmpty();
        }
    }

    /**
     * The field signature in miniature: the server sends its SYN-ACKs to a MAC the client does not own (as peers
     * did to flannel.1's stale VtepMAC), the client's kernel drops them as "other host" and resends the same SYN.
     */
    @Test
    void reproducesTheFieldSignatureWhenSynAcksGoToAMacTheClientDoesNotOwn() throws Exception {
        try (TwoNamespaces lab = TwoNamespaces.create(); ServerSocketChannel _ = lab.listen(PORT)) {
            TwoNamespaces.ip("-n", lab.serverNs, "neigh", "replace", lab.clientIp.toString(),
                    "lladdr", WRONG_MAC.toString(), "dev", lab.serverDev, "nud", "permanent");
            // Few retries: the kernel gives up on its own within seconds, so the test sets no timer.
            TwoNamespaces.inNamespace(lab.clientNs, "sysctl", "-qw", "net.ipv4.tcp_syn_retries=1");
            CaptureFile file;
            try (PacketCapture capture = PacketCapture.start(point(lab.clientNs, lab.clientDev),
                    dir.resolve("field.pcap"), "tcp port " + PORT)) {
                assertThat(lab.connectFromClient(PORT)).isEqualTo("Connection timed out");
                file = capture.stop();
            }
            PcapSummary summary = PcapSummary.read(file);

            List<SynRetransmission> retransmissions = summary.synRetransmissions();
            assertThat(retransmissions).hasSize(1);
            SynRetransmission retransmitted = retransmissions.getFirst();
            assertThat(retransmitted.times()).isGreaterThanOrEqualTo(2); // how many more is the kernel's choice
            assertThat(retransmitted.flow().srcIp()).isEqualTo(lab.clientIp);
            assertThat(retransmitted.flow().dstIp()).isEqualTo(lab.serverIp);
            assertThat(retransmitted.flow().dstPort()).isEqualTo(PORT);
            assertThat(retransmitted.syns()).extracting(CapturedPacket::seq).containsOnly(retransmitted.seq());

            List<CapturedPacket> misaddressed = summary.synAcksTo(WRONG_MAC);
            assertThat(misaddressed).isNotEmpty().allSatisfy(synAck -> {
                assertThat(synAck.srcMac()).isEqualTo(lab.serverMac);
                assertThat(synAck.flow()).contains(retransmitted.flow().reversed());
                assertThat(synAck.ack()).isEqualTo(retransmitted.seq() + 1);
            });
            assertThat(summary.synAcksTo(lab.clientMac)).isEmpty();
            assertThat(summary.synAcksByDestinationMac()).containsOnlyKeys(WRONG_MAC);
            String plural = misaddressed.size() == 1 ? " SYN-ACK" : " SYN-ACKs";
            assertThat(summary.misaddressedSynAcks(lab.clientMac)).contains(misaddressed.size() + plural
                    + " arrived addressed to 02:00:00:00:00:99, the device's MAC is " + lab.clientMac);
            assertThat(summary.render()).contains(lab.serverMac + " > 02:00:00:00:00:99, " + lab.serverIp + "."
                    + PORT + " > " + lab.clientIp + "." + retransmitted.flow().srcPort() + ": Flags [S.], seq ");
        }
    }

    /** Packets the kernel queued for tcpdump just before stop() must reach the file too. */
    @Test
    void keepsABurstSentRightBeforeStop() throws Exception {
        int datagrams = 200;
        try (TwoNamespaces lab = TwoNamespaces.create()) {
            CaptureFile file;
            try (PacketCapture capture = PacketCapture.start(point(lab.serverNs, lab.serverDev),
                    dir.resolve("burst.pcap"), "udp and dst port 7777")) {
                lab.sendDatagramsFromClient(7777, datagrams);
                file = capture.stop();
            }
            PcapSummary summary = PcapSummary.read(file);

            assertThat(file.packetsCaptured()).isEqualTo(datagrams);
            assertThat(summary.packets()).hasSize(datagrams).allSatisfy(p -> {
                assertThat(p.kind()).isEqualTo(PacketKind.UDP);
                assertThat(p.dstPort()).isEqualTo(7777);
                assertThat(p.length()).isEqualTo(18);
            });
        }
    }

    @Test
    void reportsTcpdumpsOwnWordsWhenItCannotCapture() throws Exception {
        try (TwoNamespaces lab = TwoNamespaces.create()) {
            assertThatThrownBy(() -> PacketCapture.start(point(lab.clientNs, "nosuchdev0"),
                    dir.resolve("never.pcap")))
                    .isInstanceOf(CaptureException.class)
                    .hasMessageStartingWith("tcpdump could not capture on nosuchdev0 on node " + lab.clientNs)
                    .hasMessageContaining("tcpdump: nosuchdev0: No such device");
        }
    }

    @Test
    void stopTwiceDescribesTheSameFile() throws Exception {
        try (TwoNamespaces lab = TwoNamespaces.create();
                PacketCapture capture = PacketCapture.start(point(lab.clientNs, lab.clientDev),
                        dir.resolve("idle.pcap"))) {
            CaptureFile first = capture.stop();
            assertThat(capture.isRunning()).isFalse();
            assertThat(capture.stop()).isSameAs(first);
            assertThat(PcapSummary.read(first).packets()).hasSize((int) first.packetsCaptured());
        }
    }

    @Test
    void saysInOneSentenceThatTcpdumpIsMissing() {
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "VXLAB_SANDBOX_MODE", "root");
        // Started for real on a node that lacks the program: the shell's exec says so, and we say it in one sentence.
        CapturePoint here = CapturePoint.on(new LocalRemote("here", new FileRoot(dir.resolve("here"))), "eth0");
        assertThatThrownBy(() -> PacketCapture.start("/nonexistent/tcpdump", env, here, dir.resolve("x.pcap"), null,
                PacketCapture.START_TIMEOUT))
                .isInstanceOf(CaptureException.class)
                .hasMessage("tcpdump is not installed; install it with apt-get install tcpdump");
        assertThat(TcpdumpProgram.saysProgramMissing(List.of("sh: 1: exec: tcpdump: not found"))).isTrue();
        assertThat(TcpdumpProgram.availability(Map.of("PATH", "/nonexistent"), "tcpdump"))
                .isEqualTo(new CaptureAvailability.Unavailable(
                        "tcpdump is not installed; install it with apt-get install tcpdump"));
        // What `ip netns exec` prints when tcpdump vanished between the check and the exec.
        assertThat(TcpdumpProgram.saysProgramMissing(
                List.of("exec of \"tcpdump\" failed: No such file or directory"))).isTrue();
    }

    @Test
    void aSandboxWithoutCaptureSaysWhyInsteadOfFailing() {
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "VXLAB_SANDBOX_MODE", "rootless-nocapture");
        CaptureAvailability availability = TcpdumpProgram.availability(env, "tcpdump");
        assertThat(availability).isInstanceOfSatisfying(CaptureAvailability.Unavailable.class,
                off -> assertThat(off.reason()).startsWith("packet capture is off because this sandbox runs rootless"));
        assertThatThrownBy(() -> PacketCapture.start("tcpdump", env, point("nowhere", "eth0"),
                dir.resolve("x.pcap"), null, PacketCapture.START_TIMEOUT))
                .hasMessageStartingWith("packet capture is off");
    }

    @Test
    void readsTcpdumpsWordsWithoutTheWrappersPidLine() {
        assertThat(PacketCapture.tcpdumpsWords("vxlab-capture-pid 4242\ntcpdump: vb: No such device exists\n"))
                .containsExactly("tcpdump: vb: No such device exists");
    }

    @Test
    void readsTcpdumpsPacketCountEitherWay() {
        assertThat(PacketCapture.packetsCaptured(List.of("tcpdump: listening on vb, link-type EN10MB (Ethernet)",
                "1 packet captured", "1 packet received by filter", "0 packets dropped by kernel"))).hasValue(1);
        assertThat(PacketCapture.packetsCaptured(List.of("15 packets captured"))).hasValue(15);
        assertThat(PacketCapture.packetsCaptured(List.of("tcpdump: vb: That device is not up"))).isEmpty();
        assertThat(PacketCapture.packetsCaptured(List.of(
                "tcpdump: 2 packets captured, 10 packets received by filter, 0 packets dropped by kernel")))
                .as("the SIGUSR1 line is a progress report, not the final count").isEmpty();
    }

    @Test
    void knowsWhenTcpdumpHasWrittenEverythingQueuedForIt() {
        CaptureCounters behind = CaptureCounters.parse(
                "tcpdump: 2 packets captured, 10 packets received by filter, 0 packets dropped by kernel").orElseThrow();
        assertThat(behind).isEqualTo(new CaptureCounters(2, 10, 0));
        assertThat(behind.drained()).isFalse();
        assertThat(new CaptureCounters(10, 10, 0).drained()).isTrue();
        assertThat(new CaptureCounters(7, 10, 3).drained()).as("kernel drops never arrive").isTrue();
        assertThat(CaptureCounters.parse("tcpdump: 1 packet captured, 1 packet received by filter,"
                + " 0 packets dropped by kernel")).contains(new CaptureCounters(1, 1, 0));
        assertThat(CaptureCounters.parse("10 packets captured")).isEmpty();
    }

    /** A capture point in a plain named namespace, its node files in this test's directory. */
    private CapturePoint point(String namespace, String device) {
        // A plain named namespace as the node; its node files (the pcap while tcpdump writes it) under the test's dir.
        return CapturePoint.on(new NamespaceRemote(namespace, namespace,
                new FileRoot(dir.resolve("nodes").resolve(namespace))), device);
    }

    /** A remote that remembers what was started and fetched through it, and otherwise passes everything on. */
    private static final class RecordingRemote implements Remote {
        private final Remote inner;
        final List<List<String>> started = Collections.synchronizedList(new ArrayList<>());
        final List<String> fetched = Collections.synchronizedList(new ArrayList<>());

        RecordingRemote(Remote inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public CommandResult run(Command command) {
            return inner.run(command);
        }

        @Override
        public RemoteProcess start(List<String> argv, Map<String, String> env) throws RemoteException {
            started.add(argv);
            return inner.start(argv, env);
        }

        @Override
        public void put(String path, byte[] content) throws RemoteException {
            inner.put(path, content);
        }

        @Override
        public Optional<byte[]> get(String path) throws RemoteException {
            fetched.add(path);
            return inner.get(path);
        }

        @Override
        public String processPath(String nodePath) throws RemoteException {
            return inner.processPath(nodePath);
        }
    }
}
