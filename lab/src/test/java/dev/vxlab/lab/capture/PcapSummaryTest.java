package dev.vxlab.lab.capture;

import static dev.vxlab.lab.capture.PcapBytes.arpReply;
import static dev.vxlab.lab.capture.PcapBytes.arpRequest;
import static dev.vxlab.lab.capture.PcapBytes.ethernet;
import static dev.vxlab.lab.capture.PcapBytes.ipv4;
import static dev.vxlab.lab.capture.PcapBytes.tcp;
import static dev.vxlab.lab.capture.PcapBytes.udp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The analysis on hand-built pcaps: the field report's packets and those of lab runs, rebuilt byte by byte. */
class PcapSummaryTest {
    private static final int SYN = TcpFlags.SYN;
    private static final int SYN_ACK = TcpFlags.SYN | TcpFlags.ACK;
    private static final int RST_ACK = TcpFlags.RST | TcpFlags.ACK;
    private static final int IPV4 = 0x0800;
    private static final int ARP = 0x0806;

    private static final MacAddress CLIENT = MacAddress.parse("fe:be:72:6b:06:33");
    private static final MacAddress SERVER = MacAddress.parse("f2:70:2d:b3:5f:6d");
    private static final MacAddress WRONG = MacAddress.parse("02:00:00:00:00:99");
    private static final MacAddress BROADCAST = MacAddress.parse("ff:ff:ff:ff:ff:ff");
    private static final Ipv4 CLIENT_IP = Ipv4.parse("10.99.0.2");
    private static final Ipv4 SERVER_IP = Ipv4.parse("10.99.0.1");

    /** A lab run on a veth: ARP, a refused connect, then SYN-ACKs the server sends to a MAC the client lacks. */
    private static byte[] labVeth(ByteOrder order) {
        return PcapBytes.ethernet(order)
                .add(at(1795708087L, 827561), ethernet(CLIENT, BROADCAST, ARP, arpRequest(CLIENT, CLIENT_IP,
                        SERVER_IP)))
                .add(at(1795708087L, 827594), ethernet(SERVER, CLIENT, ARP, arpReply(SERVER, SERVER_IP, CLIENT,
                        CLIENT_IP)))
                .add(at(1795708087L, 827598), clientToServer(46258, 4444, 2059910391L, 0, SYN))
                .add(at(1795708087L, 827639), serverToClient(CLIENT, 4444, 46258, 0, 2059910392L, RST_ACK))
                .add(at(1795708089L, 392582), clientToServer(43486, 5555, 1111025461L, 0, SYN))
                .add(at(1795708089L, 392648), serverToClient(WRONG, 5555, 43486, 824097156L, 1111025462L, SYN_ACK))
                .add(at(1795708090L, 412617), clientToServer(43486, 5555, 1111025461L, 0, SYN))
                .add(at(1795708090L, 412649), serverToClient(WRONG, 5555, 43486, 824097156L, 1111025462L, SYN_ACK))
                .build();
    }

    private static byte[] clientToServer(int srcPort, int dstPort, long seq, long ack, int flags) {
        return ethernet(CLIENT, SERVER, IPV4, ipv4(CLIENT_IP, SERVER_IP, 6, tcp(srcPort, dstPort, seq, ack, flags, 0)));
    }

    private static byte[] serverToClient(MacAddress dst, int srcPort, int dstPort, long seq, long ack, int flags) {
        return ethernet(SERVER, dst, IPV4, ipv4(SERVER_IP, CLIENT_IP, 6, tcp(srcPort, dstPort, seq, ack, flags, 0)));
    }

    private static Instant at(long seconds, int micros) {
        return Instant.ofEpochSecond(seconds, micros * 1000L);
    }

    private static PcapSummary summary(byte[] pcap) throws Exception {
        return PcapSummary.of(pcap);
    }

    /** The field report's capture on the source node's flannel.1: one SYN sent 3 times, 4 SYN-ACKs to a stale MAC. */
    @Test
    void findsTheFieldReportsRetransmittedSynAndItsUnansweredSynAcks() throws Exception {
        MacAddress device = MacAddress.parse("b6:9b:ed:b0:37:74");
        MacAddress stale = MacAddress.parse("ea:77:37:86:ee:bf");
        MacAddress peer = MacAddress.parse("f2:d2:28:8e:4c:61");
        Ipv4 client = Ipv4.parse("10.187.0.0");
        Ipv4 server = Ipv4.parse("10.187.1.24");
        byte[] syn = ethernet(device, peer, IPV4, ipv4(client, server, 6, tcp(53748, 9153, 1340604575L, 0, SYN, 0)));
        byte[] synAck = ethernet(peer, stale, IPV4, ipv4(server, client, 6,
                tcp(9153, 53748, 1764271535L, 1340604576L, SYN_ACK, 0)));
        PcapSummary summary = summary(PcapBytes.ethernet(ByteOrder.LITTLE_ENDIAN)
                .add(at(1795711580L, 324596), syn).add(at(1795711580L, 324636), synAck)
                .add(at(1795711581L, 346975), synAck).add(at(1795711581L, 395375), syn)
                .add(at(1795711581L, 395409), synAck).add(at(1795711583L, 426969), synAck)
                .add(at(1795711583L, 475374), syn).build());

        assertThat(summary.packets()).hasSize(7);
        List<SynRetransmission> retransmissions = summary.synRetransmissions();
        assertThat(retransmissions).hasSize(1);
        SynRetransmission retransmitted = retransmissions.getFirst();
        assertThat(retransmitted.flow()).hasToString("10.187.0.0.53748 > 10.187.1.24.9153");
        assertThat(retransmitted.seq()).isEqualTo(1340604575L);
        assertThat(retransmitted.times()).isEqualTo(3);
        assertThat(summary.synAcks()).hasSize(4).allSatisfy(p -> {
            assertThat(p.flow()).contains(retransmitted.flow().reversed());
            assertThat(p.seq()).isEqualTo(1764271535L);
            assertThat(p.ack()).isEqualTo(1340604576L);
        });
        assertThat(summary.synAcksByDestinationMac()).containsOnlyKeys(stale);
        assertThat(summary.misaddressedSynAcks(device)).contains(
                "4 SYN-ACKs arrived addressed to ea:77:37:86:ee:bf, the device's MAC is b6:9b:ed:b0:37:74");
    }

    @Test
    void findsEveryRetransmittedFlowAndTakesANewSeqForANewAttempt() throws Exception {
        Ipv4 client = Ipv4.parse("10.187.0.0");
        Ipv4 server = Ipv4.parse("10.187.1.24");
        PcapBytes pcap = PcapBytes.ethernet(ByteOrder.BIG_ENDIAN);
        long[][] syns = {{45920, 1103099580L}, {45920, 1103099580L}, {46388, 3149899513L}, {46388, 3149899513L},
                {46388, 3149899513L}, {46390, 1}, {46390, 2}};
        for (int i = 0; i < syns.length; i++) {
            pcap.add(at(1795711580L + i, 0), ethernet(CLIENT, SERVER, IPV4,
                    ipv4(client, server, 6, tcp((int) syns[i][0], 9153, syns[i][1], 0, SYN, 0))));
        }
        PcapSummary summary = summary(pcap.build());

        assertThat(summary.syns()).hasSize(7);
        assertThat(summary.synRetransmissions()).extracting(SynRetransmission::toString).containsExactly(
                "10.187.0.0.45920 > 10.187.1.24.9153 SYN seq 1103099580 sent 2 times",
                "10.187.0.0.46388 > 10.187.1.24.9153 SYN seq 3149899513 sent 3 times");
    }

    @Test
    void readsEveryFieldOfAFrame() throws Exception {
        PcapSummary summary = summary(labVeth(ByteOrder.BIG_ENDIAN));

        CapturedPacket synAck = summary.packets().get(5);
        assertThat(synAck).isEqualTo(new CapturedPacket(
                Instant.ofEpochSecond(1795708089L, 392_648_000L), SERVER, WRONG, "IPv4", PacketKind.TCP,
                SERVER_IP, 5555, CLIENT_IP, 43486, "S.", 824097156L, 1111025462L, 0, false, null));
        assertThat(synAck.isSynAck()).isTrue();
        assertThat(synAck.isSyn()).isFalse();

        CapturedPacket syn = summary.packets().get(4);
        assertThat(syn.tcpFlags()).isEqualTo("S");
        assertThat(syn.ack()).as("no ACK flag, no ack number").isNull();
        assertThat(syn.length()).as("the SYN's options are header, not data").isZero();

        CapturedPacket whoHas = summary.packets().getFirst();
        assertThat(whoHas.kind()).isEqualTo(PacketKind.ARP);
        assertThat(whoHas.ethertype()).isEqualTo("ARP");
        assertThat(whoHas.dstMac()).isEqualTo(BROADCAST);
        assertThat(whoHas.srcIp()).isEqualTo(CLIENT_IP);
        assertThat(whoHas.dstIp()).isEqualTo(SERVER_IP);
        assertThat(whoHas.length()).isEqualTo(28);
        assertThat(summary.packets().get(1).srcIp()).isEqualTo(SERVER_IP);

        CapturedPacket reset = summary.resets().getFirst();
        assertThat(reset.tcpFlags()).isEqualTo("R.");
        assertThat(reset.seq()).isZero();
        assertThat(reset.ack()).isEqualTo(2059910392L);
        assertThat(summary.truncated()).isFalse();
    }

    @Test
    void readsTheSameFileInEitherByteOrderAndWithNanosecondTimes() throws Exception {
        PcapSummary big = summary(labVeth(ByteOrder.BIG_ENDIAN));
        PcapSummary little = summary(labVeth(ByteOrder.LITTLE_ENDIAN));
        assertThat(little.packets()).isEqualTo(big.packets()).hasSize(8);

        Instant precise = Instant.ofEpochSecond(1795708089L, 392_648_123L);
        byte[] nanos = PcapBytes.of(ByteOrder.LITTLE_ENDIAN, true, PcapFile.ETHERNET)
                .add(precise, clientToServer(43486, 5555, 1111025461L, 0, SYN)).build();
        assertThat(summary(nanos).packets().getFirst().timestamp()).isEqualTo(precise);
        assertThat(PcapFile.read(nanos).snapLength()).isEqualTo(262144);
    }

    @Test
    void groupsSynAcksByTheMacTheyWereAddressedTo() throws Exception {
        PcapSummary summary = summary(labVeth(ByteOrder.LITTLE_ENDIAN));

        assertThat(summary.synAcksByDestinationMac()).containsOnlyKeys(WRONG);
        assertThat(summary.synAcksTo(WRONG)).hasSize(2);
        assertThat(summary.synAcksTo(CLIENT)).isEmpty();
        assertThat(summary.synRetransmissions()).extracting(SynRetransmission::toString)
                .containsExactly("10.99.0.2.43486 > 10.99.0.1.5555 SYN seq 1111025461 sent 2 times");
        assertThat(summary.misaddressedSynAcks(CLIENT))
                .contains("2 SYN-ACKs arrived addressed to 02:00:00:00:00:99, the device's MAC is fe:be:72:6b:06:33");
        assertThat(summary.misaddressedSynAcks(WRONG)).isEmpty();
    }

    @Test
    void namesEveryWrongMacInOneSentence() throws Exception {
        MacAddress peer = MacAddress.parse("f2:d2:28:8e:4c:61");
        Ipv4 server = Ipv4.parse("10.187.1.24");
        Ipv4 client = Ipv4.parse("10.187.0.0");
        String[] destinations = {"ea:77:37:86:ee:bf", "ea:77:37:86:ee:bf", "2a:f1:d4:d0:32:24", "b6:9b:ed:b0:37:74"};
        PcapBytes pcap = PcapBytes.ethernet(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < destinations.length; i++) {
            pcap.add(at(i + 1, 1), ethernet(peer, MacAddress.parse(destinations[i]), IPV4,
                    ipv4(server, client, 6, tcp(9153, 45920 + i, 7, 2, SYN_ACK, 0))));
        }
        assertThat(summary(pcap.build()).misaddressedSynAcks(MacAddress.parse("b6:9b:ed:b0:37:74"))).contains(
                "2 SYN-ACKs arrived addressed to ea:77:37:86:ee:bf and 1 to 2a:f1:d4:d0:32:24,"
                        + " the device's MAC is b6:9b:ed:b0:37:74");
    }

    @Test
    void rendersPacketsTheWayTheFieldReportReadsThem() throws Exception {
        PcapSummary summary = summary(labVeth(ByteOrder.BIG_ENDIAN));

        assertThat(summary.packets().get(5).reportLine(ZoneOffset.UTC)).isEqualTo(
                "15:48:09.392648 f2:70:2d:b3:5f:6d > 02:00:00:00:00:99, 10.99.0.1.5555 > 10.99.0.2.43486:"
                        + " Flags [S.], seq 824097156, ack 1111025462, length 0");
        assertThat(summary.render(ZoneOffset.UTC).lines().limit(4)).containsExactly(
                "15:48:07.827561 fe:be:72:6b:06:33 > ff:ff:ff:ff:ff:ff, ARP, Request who-has 10.99.0.1 tell 10.99.0.2, length 28",
                "15:48:07.827594 f2:70:2d:b3:5f:6d > fe:be:72:6b:06:33, ARP, Reply 10.99.0.1 is-at f2:70:2d:b3:5f:6d, length 28",
                "15:48:07.827598 fe:be:72:6b:06:33 > f2:70:2d:b3:5f:6d, 10.99.0.2.46258 > 10.99.0.1.4444: Flags [S], seq 2059910391, length 0",
                "15:48:07.827639 f2:70:2d:b3:5f:6d > fe:be:72:6b:06:33, 10.99.0.1.4444 > 10.99.0.2.46258: Flags [R.], seq 0, ack 2059910392, length 0");
    }

    /** The underlay of a VXLAN node: the outer UDP packet, its inner frame, an ICMP error and plain datagrams. */
    @Test
    void readsTheInnerFrameOfAVxlanPacketWithItsOuterTime() throws Exception {
        MacAddress underlaySrc = MacAddress.parse("f2:78:a3:dc:3e:15");
        MacAddress underlayDst = MacAddress.parse("fa:50:61:6f:5c:94");
        Ipv4 node0 = Ipv4.parse("172.31.9.1");
        Ipv4 node1 = Ipv4.parse("172.31.9.2");
        byte[] inner = ethernet(MacAddress.parse("1e:24:52:21:ac:4f"), MacAddress.parse("82:1d:c6:1d:f6:07"), IPV4,
                ipv4(Ipv4.parse("10.187.0.0"), Ipv4.parse("10.187.1.0"), 6, tcp(57704, 9153, 2053377498L, 0, SYN, 0)));
        byte[] outerIp = ipv4(node0, node1, 17, udp(36286, 8472, PcapBytes.vxlan(1, inner)));
        byte[] pcap = PcapBytes.ethernet(ByteOrder.LITTLE_ENDIAN)
                .add(at(1795708176L, 537766), ethernet(underlaySrc, underlayDst, IPV4, outerIp))
                .add(at(1795708176L, 537820), ethernet(underlayDst, underlaySrc, IPV4,
                        ipv4(node1, node0, 1, PcapBytes.portUnreachable(outerIp))))
                .add(at(1795708178L, 600000), ethernet(underlaySrc, underlayDst, IPV4,
                        ipv4(node0, node1, 17, udp(40000, 7777, PcapBytes.bytes("vxlab capture test")))))
                .add(at(1795708178L, 700000), PcapBytes.tagged(underlaySrc, underlayDst, 7, IPV4,
                        ipv4(node0, node1, 17, udp(40001, 7777, PcapBytes.bytes("tagged")))))
                .build();
        PcapSummary summary = summary(pcap);

        assertThat(summary.packets()).extracting(CapturedPacket::kind).containsExactly(
                PacketKind.UDP, PacketKind.TCP, PacketKind.ICMP, PacketKind.UDP, PacketKind.UDP);
        CapturedPacket outer = summary.packets().getFirst();
        assertThat(outer.dstPort()).isEqualTo(8472);
        assertThat(outer.encapsulated()).isFalse();
        assertThat(outer.reportLine(ZoneOffset.UTC)).endsWith("172.31.9.1.36286 > 172.31.9.2.8472: VXLAN, flags [I]"
                + " (0x08), vni 1");
        CapturedPacket innerPacket = summary.packets().get(1);
        assertThat(innerPacket.encapsulated()).isTrue();
        assertThat(innerPacket.timestamp()).isEqualTo(outer.timestamp());
        assertThat(innerPacket.dstMac()).isEqualTo(MacAddress.parse("82:1d:c6:1d:f6:07"));
        assertThat(innerPacket.flow().orElseThrow()).hasToString("10.187.0.0.57704 > 10.187.1.0.9153");
        assertThat(innerPacket.reportLine(ZoneOffset.UTC)).isEqualTo("15:49:36.537766 (inner) 1e:24:52:21:ac:4f >"
                + " 82:1d:c6:1d:f6:07, 10.187.0.0.57704 > 10.187.1.0.9153: Flags [S], seq 2053377498, length 0");
        CapturedPacket unreachable = summary.packets().get(2);
        assertThat(unreachable.srcIp()).isEqualTo(node1);
        assertThat(unreachable.srcPort()).isNull();
        assertThat(unreachable.reportLine(ZoneOffset.UTC)).endsWith(
                "172.31.9.2 > 172.31.9.1: ICMP 172.31.9.2 udp port 8472 unreachable, length " + (8 + outerIp.length));
        assertThat(summary.packets().get(3).length()).isEqualTo(18);
        assertThat(summary.packets().get(3).reportLine(ZoneOffset.UTC))
                .endsWith("172.31.9.1.40000 > 172.31.9.2.7777: UDP, length 18");
        assertThat(summary.packets().get(4).srcPort()).as("the 802.1Q tag is skipped").isEqualTo(40001);
    }

    @Test
    void keepsTheWholePacketsOfAFileCutShort() throws Exception {
        byte[] whole = labVeth(ByteOrder.BIG_ENDIAN);
        PcapSummary cut = summary(java.util.Arrays.copyOf(whole, whole.length - 10));

        assertThat(cut.truncated()).isTrue();
        assertThat(cut.packets()).hasSize(7);
        assertThat(cut.synRetransmissions()).hasSize(1);
    }

    @Test
    void keepsTheMacsOfAFrameCutShortAfterTheLinkHeader() throws Exception {
        byte[] frame = clientToServer(46258, 4444, 2059910391L, 0, SYN);
        CapturedPacket cut = summary(PcapBytes.ethernet(ByteOrder.BIG_ENDIAN)
                .add(at(1, 0), java.util.Arrays.copyOf(frame, 20)).build()).packets().getFirst();

        assertThat(cut.kind()).isEqualTo(PacketKind.OTHER);
        assertThat(cut.srcMac()).isEqualTo(CLIENT);
        assertThat(cut.srcIp()).isNull();
        assertThat(cut.isSyn()).isFalse();
        assertThat(cut.reportLine(ZoneOffset.UTC)).endsWith(CLIENT + " > " + SERVER + ", a frame cut short after 20"
                + " bytes");
        CapturedPacket tiny = summary(PcapBytes.ethernet(ByteOrder.BIG_ENDIAN).add(at(1, 0), new byte[5]).build())
                .packets().getFirst();
        assertThat(tiny.kind()).isEqualTo(PacketKind.UNPARSED);
    }

    @Test
    void readsLinuxCookedCapturesWithTheSendersMacOnly() throws Exception {
        byte[] ip = ipv4(CLIENT_IP, SERVER_IP, 6, tcp(46258, 4444, 2059910391L, 0, SYN, 0));
        byte[] sll2 = java.nio.ByteBuffer.allocate(20 + ip.length).putShort((short) IPV4).putShort((short) 0)
                .putInt(3).putShort((short) 1).put((byte) 4).put((byte) 6).put(PcapBytes.mac(CLIENT)).put(new byte[2])
                .put(ip).array();
        byte[] sll = java.nio.ByteBuffer.allocate(16 + ip.length).putShort((short) 4).putShort((short) 1)
                .putShort((short) 6).put(PcapBytes.mac(CLIENT)).put(new byte[2]).putShort((short) IPV4).put(ip)
                .array();
        for (byte[] pcap : List.of(PcapBytes.of(ByteOrder.LITTLE_ENDIAN, false, PcapFile.LINUX_SLL2)
                .add(at(1, 0), sll2).build(), PcapBytes.of(ByteOrder.BIG_ENDIAN, false, PcapFile.LINUX_SLL)
                .add(at(1, 0), sll).build())) {
            CapturedPacket syn = summary(pcap).syns().getFirst();
            assertThat(syn.srcMac()).isEqualTo(CLIENT);
            assertThat(syn.dstMac()).isNull();
            assertThat(syn.flow().orElseThrow()).hasToString("10.99.0.2.46258 > 10.99.0.1.4444");
        }
        assertThat(summary(PcapBytes.of(ByteOrder.BIG_ENDIAN, false, PcapFile.RAW).add(at(1, 0), ip).build())
                .syns()).hasSize(1);
    }

    @Test
    void saysWhatIsWrongWithBytesThatAreNoPcap() throws Exception {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PcapFile.read(PcapBytes.bytes("hello")))
                .hasMessage("it is 5 bytes long, shorter than a pcap header");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PcapFile.read(new byte[24]))
                .hasMessage("it does not start with a pcap magic number (0x00000000)");
        byte[] pcapng = new byte[28];
        pcapng[0] = 0x0a;
        pcapng[1] = 0x0d;
        pcapng[2] = 0x0d;
        pcapng[3] = 0x0a;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PcapFile.read(pcapng))
                .hasMessage("it is pcapng, and only classic pcap (tcpdump -w) is read");
        CapturedPacket unknown = summary(PcapBytes.of(ByteOrder.BIG_ENDIAN, false, 147).add(at(1, 0), new byte[20])
                .build()).packets().getFirst();
        assertThat(unknown.kind()).isEqualTo(PacketKind.UNPARSED);
        assertThat(unknown.info()).isEqualTo("a frame of link type 147, which is not decoded");
    }

    @Test
    void aFileThatIsNoPcapOrIsMissingIsOneSentence(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path text = java.nio.file.Files.writeString(dir.resolve("x.pcap"), "tcpdump: listening on eth0, "
                + "link-type EN10MB (Ethernet)\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PcapSummary.read(text))
                .isInstanceOf(CaptureException.class)
                .hasMessage(text + " cannot be read: it does not start with a pcap magic number (0x74637064)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PcapSummary.read(dir.resolve("none.pcap")))
                .isInstanceOf(CaptureException.class).hasMessage("there is no capture file " + dir.resolve("none.pcap"));
    }

    @Test
    void anEmptyCaptureHasNoPackets() throws Exception {
        assertThat(summary(PcapBytes.ethernet(ByteOrder.LITTLE_ENDIAN).build()).packets()).isEmpty();
    }
}
