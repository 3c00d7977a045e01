package dev.vxlab.lab.capture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parser and the analysis on literal tcpdump text: the field report's own lines and lines from lab runs. */
class PcapSummaryTest {

    /** The field report's capture on the SOURCE node's flannel.1 (tcpdump -nn -vv: two lines per packet). */
    private static final String FIELD_SOURCE_NODE = """
            tcpdump: listening on flannel.1, link-type EN10MB (Ethernet), capture size 262144 bytes
            16:46:20.324596 IP (tos 0x0, ttl 64, id 7952, offset 0, flags [DF], proto TCP (6), length 60)
            10.187.0.0.53748 > 10.187.1.24.9153: Flags [S], cksum 0x29f7 (correct), seq 1340604575, win 64860, options [mss 1410,sackOK,TS val 633118295 ecr 0,nop,wscale 7], length 0
            16:46:20.324636 IP (tos 0x0, ttl 63, id 0, offset 0, flags [DF], proto TCP (6), length 60)
            10.187.1.24.9153 > 10.187.0.0.53748: Flags [S.], cksum 0xdf09 (correct), seq 1764271535, ack 1340604576, win 64308, options [mss 1410,sackOK,TS val 3440603416 ecr 633118295,nop,wscale 7], length 0
            16:46:21.346975 IP (tos 0x0, ttl 63, id 0, offset 0, flags [DF], proto TCP (6), length 60)
            10.187.1.24.9153 > 10.187.0.0.53748: Flags [S.], cksum 0xdb0b (correct), seq 1764271535, ack 1340604576, win 64308, options [mss 1410,sackOK,TS val 3440604438 ecr 633118295,nop,wscale 7], length 0
            16:46:21.395375 IP (tos 0x0, ttl 64, id 7953, offset 0, flags [DF], proto TCP (6), length 60)
            10.187.0.0.53748 > 10.187.1.24.9153: Flags [S], cksum 0x25c8 (correct), seq 1340604575, win 64860, options [mss 1410,sackOK,TS val 633119366 ecr 0,nop,wscale 7], length 0
            16:46:21.395409 IP (tos 0x0, ttl 63, id 0, offset 0, flags [DF], proto TCP (6), length 60)
            10.187.1.24.9153 > 10.187.0.0.53748: Flags [S.], cksum 0xdada (correct), seq 1764271535, ack 1340604576, win 64308, options [mss 1410,sackOK,TS val 3440604487 ecr 633118295,nop,wscale 7], length 0
            16:46:23.426969 IP (tos 0x0, ttl 63, id 0, offset 0, flags [DF], proto TCP (6), length 60)
            10.187.1.24.9153 > 10.187.0.0.53748: Flags [S.], cksum 0xd2eb (correct), seq 1764271535, ack 1340604576, win 64308, options [mss 1410,sackOK,TS val 3440606518 ecr 633118295,nop,wscale 7], length 0
            16:46:23.475374 IP (tos 0x0, ttl 64, id 7954, offset 0, flags [DF], proto TCP (6), length 60)
            10.187.0.0.53748 > 10.187.1.24.9153: Flags [S], cksum 0x1da8 (correct), seq 1340604575, win 64860, options [mss 1410,sackOK,TS val 633121446 ecr 0,nop,wscale 7], length 0
            """;

    /** Lines of {@code tcpdump -nn -e -tt -S} from lab runs: ARP, a refused connect, misaddressed SYN-ACKs. */
    private static final String LAB_VETH = """
            1795708087.827561 fe:be:72:6b:06:33 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 10.99.0.1 tell 10.99.0.2, length 28
            1795708087.827594 f2:70:2d:b3:5f:6d > fe:be:72:6b:06:33, ethertype ARP (0x0806), length 42: Reply 10.99.0.1 is-at f2:70:2d:b3:5f:6d, length 28
            1795708087.827598 fe:be:72:6b:06:33 > f2:70:2d:b3:5f:6d, ethertype IPv4 (0x0800), length 74: 10.99.0.2.46258 > 10.99.0.1.4444: Flags [S], seq 2059910391, win 64240, options [mss 1460,sackOK,TS val 1221949499 ecr 0,nop,wscale 10], length 0
            1795708087.827639 f2:70:2d:b3:5f:6d > fe:be:72:6b:06:33, ethertype IPv4 (0x0800), length 54: 10.99.0.1.4444 > 10.99.0.2.46258: Flags [R.], seq 0, ack 2059910392, win 0, length 0
            1795708089.392582 fe:be:72:6b:06:33 > f2:70:2d:b3:5f:6d, ethertype IPv4 (0x0800), length 74: 10.99.0.2.43486 > 10.99.0.1.5555: Flags [S], seq 1111025461, win 64240, options [mss 1460,sackOK,TS val 484344116 ecr 0,nop,wscale 10], length 0
            1795708089.392648 f2:70:2d:b3:5f:6d > 02:00:00:00:00:99, ethertype IPv4 (0x0800), length 74: 10.99.0.1.5555 > 10.99.0.2.43486: Flags [S.], seq 824097156, ack 1111025462, win 65160, options [mss 1460,sackOK,TS val 2109936335 ecr 484344116,nop,wscale 10], length 0
            1795708090.412617 fe:be:72:6b:06:33 > f2:70:2d:b3:5f:6d, ethertype IPv4 (0x0800), length 74: 10.99.0.2.43486 > 10.99.0.1.5555: Flags [S], seq 1111025461, win 64240, options [mss 1460,sackOK,TS val 484345136 ecr 0,nop,wscale 10], length 0
            1795708090.412649 f2:70:2d:b3:5f:6d > 02:00:00:00:00:99, ethertype IPv4 (0x0800), length 74: 10.99.0.1.5555 > 10.99.0.2.43486: Flags [S.], seq 824097156, ack 1111025462, win 65160, options [mss 1460,sackOK,TS val 2109937355 ecr 484344116,nop,wscale 10], length 0
            """;

    /** A capture on the VXLAN underlay: tcpdump prints the inner frame on a continuation line without a time. */
    private static final String LAB_UNDERLAY = """
            1795708176.537766 f2:78:a3:dc:3e:15 > fa:50:61:6f:5c:94, ethertype IPv4 (0x0800), length 124: 172.31.9.1.36286 > 172.31.9.2.8472: OTV, flags [I] (0x08), overlay 0, instance 1
            1e:24:52:21:ac:4f > 82:1d:c6:1d:f6:07, ethertype IPv4 (0x0800), length 74: 10.187.0.0.57704 > 10.187.1.0.9153: Flags [S], seq 2053377498, win 64240, options [mss 1460,sackOK,TS val 3108707535 ecr 0,nop,wscale 10], length 0
            1795708176.537820 fa:50:61:6f:5c:94 > f2:78:a3:dc:3e:15, ethertype IPv4 (0x0800), length 152: 172.31.9.2 > 172.31.9.1: ICMP 172.31.9.2 udp port 8472 unreachable, length 118
            1795708178.542697 f2:78:a3:dc:3e:15 > fa:50:61:6f:5c:94, ethertype IPv4 (0x0800), length 45: 172.31.9.1.46523 > 172.31.9.2.5353: domain [length 3 < 12] (invalid)
            1795708178.600000 f2:78:a3:dc:3e:15 > fa:50:61:6f:5c:94, ethertype IPv4 (0x0800), length 60: 172.31.9.1.40000 > 172.31.9.2.7777: UDP, length 18
            """;

    @Test
    void findsTheFieldReportsRetransmittedSynAndItsUnansweredSynAcks() {
        PcapSummary summary = PcapSummary.parse(FIELD_SOURCE_NODE);

        assertThat(summary.packets()).hasSize(15);
        List<SynRetransmission> retransmissions = summary.synRetransmissions();
        assertThat(retransmissions).hasSize(1);
        SynRetransmission syn = retransmissions.getFirst();
        assertThat(syn.flow()).hasToString("10.187.0.0.53748 > 10.187.1.24.9153");
        assertThat(syn.seq()).isEqualTo(1340604575L);
        assertThat(syn.times()).isEqualTo(3);
        assertThat(summary.synAcks()).hasSize(4).allSatisfy(synAck -> {
            assertThat(synAck.flow()).contains(syn.flow().reversed());
            assertThat(synAck.seq()).isEqualTo(1764271535L);
            assertThat(synAck.ack()).isEqualTo(1340604576L);
            assertThat(synAck.dstMac()).as("-vv without -e prints no MACs").isNull();
        });
        assertThat(summary.synAcksByDestinationMac()).isEmpty();
    }

    @Test
    void keepsTheFieldReportsHeaderLinesAsRawTextInsteadOfFailing() {
        PcapSummary summary = PcapSummary.parse(FIELD_SOURCE_NODE);

        CapturedPacket listening = summary.packets().getFirst();
        assertThat(listening.kind()).isEqualTo(PacketKind.UNPARSED);
        assertThat(listening.raw()).startsWith("tcpdump: listening on flannel.1");
        CapturedPacket ipHeader = summary.packets().get(1);
        assertThat(ipHeader).isEqualTo(CapturedPacket.unparsed(
                "16:46:20.324596 IP (tos 0x0, ttl 64, id 7952, offset 0, flags [DF], proto TCP (6), length 60)"));
        assertThat(ipHeader.reportLine(ZoneOffset.UTC)).isEqualTo(ipHeader.raw());
    }

    @Test
    void findsEveryRetransmittedFlowOnTheDestinationNode() {
        PcapSummary summary = PcapSummary.parse("""
                10.187.0.0.45920 > 10.187.1.24.9153: Flags [S], cksum 0x80ed (correct), seq 1103099580, win 64860, options [mss 1410,sackOK,TS val 632716806 ecr 0,nop,wscale 7], length 0
                10.187.0.0.45920 > 10.187.1.24.9153: Flags [S], cksum 0x5f2d (correct), seq 1103099580, win 64860, options [mss 1410,sackOK,TS val 632725446 ecr 0,nop,wscale 7], length 0
                10.187.0.0.46388 > 10.187.1.24.9153: Flags [S], cksum 0x0a5a (correct), seq 3149899513, win 64860, options [mss 1410,sackOK,TS val 632735880 ecr 0,nop,wscale 7], length 0
                10.187.0.0.46388 > 10.187.1.24.9153: Flags [S], cksum 0x066c (correct), seq 3149899513, win 64860, options [mss 1410,sackOK,TS val 632736886 ecr 0,nop,wscale 7], length 0
                10.187.0.0.46388 > 10.187.1.24.9153: Flags [S], cksum 0xfe4b (correct), seq 3149899513, win 64860, options [mss 1410,sackOK,TS val 632738966 ecr 0,nop,wscale 7], length 0
                10.187.0.0.46390 > 10.187.1.24.9153: Flags [S], cksum 0x0001 (correct), seq 1, win 64860, length 0
                """);

        assertThat(summary.synRetransmissions()).extracting(SynRetransmission::toString).containsExactly(
                "10.187.0.0.45920 > 10.187.1.24.9153 SYN seq 1103099580 sent 2 times",
                "10.187.0.0.46388 > 10.187.1.24.9153 SYN seq 3149899513 sent 3 times");
    }

    @Test
    void aNewSeqOnTheSameFlowIsANewAttemptNotARetransmission() {
        PcapSummary summary = PcapSummary.parse("""
                10.187.0.0.45920 > 10.187.1.24.9153: Flags [S], seq 1, length 0
                10.187.0.0.45920 > 10.187.1.24.9153: Flags [S], seq 2, length 0
                """);
        assertThat(summary.syns()).hasSize(2);
        assertThat(summary.synRetransmissions()).isEmpty();
    }

    @Test
    void readsEveryFieldOfALinkLevelLine() {
        PcapSummary summary = PcapSummary.parse(LAB_VETH);

        CapturedPacket synAck = summary.packets().get(5);
        assertThat(synAck).isEqualTo(new CapturedPacket(
                Instant.ofEpochSecond(1795708089L, 392_648_000L),
                MacAddress.parse("f2:70:2d:b3:5f:6d"), MacAddress.parse("02:00:00:00:00:99"), "IPv4",
                PacketKind.TCP, Ipv4.parse("10.99.0.1"), 5555, Ipv4.parse("10.99.0.2"), 43486, "S.",
                824097156L, 1111025462L, 0, false, LAB_VETH.lines().toList().get(5)));
        assertThat(synAck.isSynAck()).isTrue();
        assertThat(synAck.isSyn()).isFalse();

        CapturedPacket whoHas = summary.packets().getFirst();
        assertThat(whoHas.kind()).isEqualTo(PacketKind.ARP);
        assertThat(whoHas.ethertype()).isEqualTo("ARP");
        assertThat(whoHas.srcIp()).isEqualTo(Ipv4.parse("10.99.0.2"));
        assertThat(whoHas.dstIp()).isEqualTo(Ipv4.parse("10.99.0.1"));
        assertThat(whoHas.length()).isEqualTo(28);
        assertThat(summary.packets().get(1).srcIp()).isEqualTo(Ipv4.parse("10.99.0.1"));

        CapturedPacket reset = summary.resets().getFirst();
        assertThat(reset.tcpFlags()).isEqualTo("R.");
        assertThat(reset.seq()).isZero();
        assertThat(reset.ack()).isEqualTo(2059910392L);
    }

    @Test
    void groupsSynAcksByTheMacTheyWereAddressedTo() {
        PcapSummary summary = PcapSummary.parse(LAB_VETH);
        MacAddress client = MacAddress.parse("fe:be:72:6b:06:33");
        MacAddress wrong = MacAddress.parse("02:00:00:00:00:99");

        assertThat(summary.synAcksByDestinationMac()).containsOnlyKeys(wrong);
        assertThat(summary.synAcksTo(wrong)).hasSize(2);
        assertThat(summary.synAcksTo(client)).isEmpty();
        assertThat(summary.synRetransmissions()).extracting(SynRetransmission::toString)
                .containsExactly("10.99.0.2.43486 > 10.99.0.1.5555 SYN seq 1111025461 sent 2 times");
        assertThat(summary.misaddressedSynAcks(client))
                .contains("2 SYN-ACKs arrived addressed to 02:00:00:00:00:99, the device's MAC is fe:be:72:6b:06:33");
        assertThat(summary.misaddressedSynAcks(wrong)).isEmpty();
    }

    @Test
    void namesEveryWrongMacInOneSentence() {
        PcapSummary summary = PcapSummary.parse("""
                1.000001 f2:d2:28:8e:4c:61 > ea:77:37:86:ee:bf, ethertype IPv4 (0x0800), length 74: 10.187.1.24.9153 > 10.187.0.0.45920: Flags [S.], seq 7, ack 2, length 0
                2.000001 f2:d2:28:8e:4c:61 > ea:77:37:86:ee:bf, ethertype IPv4 (0x0800), length 74: 10.187.1.24.9153 > 10.187.0.0.45920: Flags [S.], seq 7, ack 2, length 0
                3.000001 4a:e7:02:47:20:b8 > 2a:f1:d4:d0:32:24, ethertype IPv4 (0x0800), length 74: 10.187.4.24.9153 > 10.187.0.0.45921: Flags [S.], seq 9, ack 4, length 0
                4.000001 4a:e7:02:47:20:b8 > b6:9b:ed:b0:37:74, ethertype IPv4 (0x0800), length 74: 10.187.4.24.9153 > 10.187.0.0.45922: Flags [S.], seq 9, ack 6, length 0
                """);
        assertThat(summary.misaddressedSynAcks(MacAddress.parse("b6:9b:ed:b0:37:74"))).contains(
                "2 SYN-ACKs arrived addressed to ea:77:37:86:ee:bf and 1 to 2a:f1:d4:d0:32:24,"
                        + " the device's MAC is b6:9b:ed:b0:37:74");
    }

    @Test
    void rendersPacketsTheWayTheFieldReportReadsThem() {
        PcapSummary summary = PcapSummary.parse(LAB_VETH);

        assertThat(summary.packets().get(5).reportLine(ZoneOffset.UTC)).isEqualTo(
                "15:48:09.392648 f2:70:2d:b3:5f:6d > 02:00:00:00:00:99, 10.99.0.1.5555 > 10.99.0.2.43486:"
                        + " Flags [S.], seq 824097156, ack 1111025462, length 0");
        assertThat(summary.render(ZoneOffset.UTC).lines().limit(3)).containsExactly(
                "15:48:07.827561 fe:be:72:6b:06:33 > ff:ff:ff:ff:ff:ff, ARP, Request who-has 10.99.0.1 tell 10.99.0.2, length 28",
                "15:48:07.827594 f2:70:2d:b3:5f:6d > fe:be:72:6b:06:33, ARP, Reply 10.99.0.1 is-at f2:70:2d:b3:5f:6d, length 28",
                "15:48:07.827598 fe:be:72:6b:06:33 > f2:70:2d:b3:5f:6d, 10.99.0.2.46258 > 10.99.0.1.4444: Flags [S], seq 2059910391, length 0");
        assertThat(PcapSummary.parse(FIELD_SOURCE_NODE).synAcks().getFirst().reportLine(ZoneOffset.UTC)).isEqualTo(
                "10.187.1.24.9153 > 10.187.0.0.53748: Flags [S.], seq 1764271535, ack 1340604576, length 0");
    }

    @Test
    void readsTheInnerFrameOfAVxlanPacketWithItsOuterTime() {
        PcapSummary summary = PcapSummary.parse(LAB_UNDERLAY);

        assertThat(summary.packets()).extracting(CapturedPacket::kind).containsExactly(
                PacketKind.UDP, PacketKind.TCP, PacketKind.ICMP, PacketKind.UDP, PacketKind.UDP);
        CapturedPacket outer = summary.packets().getFirst();
        assertThat(outer.dstPort()).isEqualTo(8472);
        assertThat(outer.encapsulated()).isFalse();
        CapturedPacket inner = summary.packets().get(1);
        assertThat(inner.encapsulated()).isTrue();
        assertThat(inner.timestamp()).isEqualTo(outer.timestamp());
        assertThat(inner.dstMac()).isEqualTo(MacAddress.parse("82:1d:c6:1d:f6:07"));
        assertThat(inner.flow().orElseThrow()).hasToString("10.187.0.0.57704 > 10.187.1.0.9153");
        assertThat(inner.reportLine(ZoneOffset.UTC)).isEqualTo("15:49:36.537766 (inner) 1e:24:52:21:ac:4f >"
                + " 82:1d:c6:1d:f6:07, 10.187.0.0.57704 > 10.187.1.0.9153: Flags [S], seq 2053377498, length 0");
        CapturedPacket unreachable = summary.packets().get(2);
        assertThat(unreachable.srcIp()).isEqualTo(Ipv4.parse("172.31.9.2"));
        assertThat(unreachable.srcPort()).isNull();
        assertThat(summary.packets().get(3).length()).as("a decoded payload prints no UDP length").isNull();
        assertThat(summary.packets().get(4).length()).isEqualTo(18);
    }

    @Test
    void turnsMalformedLinesIntoRawTextPackets() {
        List<String> lines = List.of(
                "tcpdump: pcap_loop: truncated dump file; tried to read 74 captured bytes, only got 30",
                "reading from file /tmp/x.pcap, link-type EN10MB (Ethernet), snapshot length 262144",
                "10.187.0.0.45920 > 10.187.1.24.9153: Fla",
                "10.187.0.0.45920 > 10.187.1.24.9153: ",
                "10.187.0.0.53 > 10.187.1.24.40000: 1234+ A? kubernetes.default.svc.cluster1.local. (55)",
                "999.187.0.0.45920 > 10.187.1.24.9153: Flags [S], seq 1103099580, length 0",
                "10.187.0.0.99999 > 10.187.1.24.9153: Flags [S], seq 1103099580, length 0",
                "可以看到回了包,但是报文的Flags都是[S][S.],说明是 TCP 的 SYN 的报文重传了",
                "$ tcpdump -nn -i flannel.1 host 10.187.1.24 and port 9153 -vv");
        PcapSummary summary = PcapSummary.parse(lines);

        assertThat(summary.packets()).hasSize(lines.size()).allSatisfy(p -> {
            assertThat(p.kind()).isEqualTo(PacketKind.UNPARSED);
            assertThat(p).isEqualTo(CapturedPacket.unparsed(p.raw()));
        });
        assertThat(summary.packets()).extracting(CapturedPacket::raw).containsExactlyElementsOf(lines);
        assertThat(summary.synRetransmissions()).isEmpty();
    }

    @Test
    void keepsTheMacsOfALineCutShortAfterTheLinkHeader() {
        CapturedPacket cut = PcapSummary.parse("1795708087.827598 fe:be:72:6b:06:33 > f2:70:2d:b3:5f:6d,"
                + " ethertype IPv4 (0x0800), length 74: 10.99.0.2.46258 > 10.99").packets().getFirst();
        assertThat(cut.kind()).isEqualTo(PacketKind.OTHER);
        assertThat(cut.srcMac()).isEqualTo(MacAddress.parse("fe:be:72:6b:06:33"));
        assertThat(cut.srcIp()).isNull();
        assertThat(cut.isSyn()).isFalse();
        CapturedPacket cutInFlags = PcapSummary.parse("1795708087.827598 fe:be:72:6b:06:33 > f2:70:2d:b3:5f:6d,"
                + " ethertype IPv4 (0x0800), length 74: 10.99.0.2.46258 > 10.99.0.1.4444: Fla").packets().getFirst();
        assertThat(cutInFlags.kind()).as("a TCP line cut short is not UDP").isEqualTo(PacketKind.OTHER);
    }

    @Test
    void takesAPlainUdpLineOnlyWhenTcpdumpSaysUdp() {
        CapturedPacket udp = PcapSummary.parse("16:46:20.324596 IP 10.187.0.0.40000 > 10.186.0.2.7777: UDP, length 18")
                .packets().getFirst();
        assertThat(udp.kind()).isEqualTo(PacketKind.UDP);
        assertThat(udp.dstPort()).isEqualTo(7777);
        assertThat(udp.length()).isEqualTo(18);
        assertThat(udp.timestamp()).as("a time of day without a date is no instant").isNull();
    }

    @Test
    void skipsBlankLines() {
        assertThat(PcapSummary.parse("\n  \n").packets()).isEmpty();
    }
}
