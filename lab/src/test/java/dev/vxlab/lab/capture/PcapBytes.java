package dev.vxlab.lab.capture;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds pcap files byte by byte, the way the pcap and protocol specifications lay them out, so the reader is tested
 * on input written independently of it: either byte order, micro- or nanosecond times, any link type.
 */
final class PcapBytes {
    private final ByteOrder order;
    private final boolean nanos;
    private final int linkType;
    private final List<Instant> times = new ArrayList<>();
    private final List<byte[]> frames = new ArrayList<>();

    private PcapBytes(ByteOrder order, boolean nanos, int linkType) {
        this.order = order;
        this.nanos = nanos;
        this.linkType = linkType;
    }

    static PcapBytes ethernet(ByteOrder order) {
        return new PcapBytes(order, false, PcapFile.ETHERNET);
    }

    static PcapBytes of(ByteOrder order, boolean nanos, int linkType) {
        return new PcapBytes(order, nanos, linkType);
    }

    PcapBytes add(Instant time, byte[] frame) {
        times.add(time);
        frames.add(frame);
        return this;
    }

    byte[] build() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(24).order(order);
        header.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(262144).putInt(linkType);
        out.writeBytes(header.array());
        for (int i = 0; i < frames.size(); i++) {
            Instant t = times.get(i);
            ByteBuffer record = ByteBuffer.allocate(16).order(order);
            record.putInt((int) t.getEpochSecond()).putInt(nanos ? t.getNano() : t.getNano() / 1000)
                    .putInt(frames.get(i).length).putInt(frames.get(i).length);
            out.writeBytes(record.array());
            out.writeBytes(frames.get(i));
        }
        return out.toByteArray();
    }

    // ---- frames, in network byte order ----

    static byte[] ethernet(MacAddress src, MacAddress dst, int ethertype, byte[] payload) {
        return ByteBuffer.allocate(14 + payload.length).put(mac(dst)).put(mac(src)).putShort((short) ethertype)
                .put(payload).array();
    }

    /** An 802.1Q-tagged frame: the tag sits between the source MAC and the real ethertype. */
    static byte[] tagged(MacAddress src, MacAddress dst, int vlan, int ethertype, byte[] payload) {
        return ByteBuffer.allocate(18 + payload.length).put(mac(dst)).put(mac(src)).putShort((short) 0x8100)
                .putShort((short) vlan).putShort((short) ethertype).put(payload).array();
    }

    static byte[] ipv4(Ipv4 src, Ipv4 dst, int protocol, byte[] payload) {
        return ByteBuffer.allocate(20 + payload.length).put((byte) 0x45).put((byte) 0)
                .putShort((short) (20 + payload.length)).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) protocol).putShort((short) 0).put(src.toBytes()).put(dst.toBytes())
                .put(payload).array();
    }

    /** A TCP segment; SYNs get 20 bytes of options, as Linux sends them, so the data offset is really read. */
    static byte[] tcp(int srcPort, int dstPort, long seq, long ack, int flags, int dataLength) {
        int options = (flags & TcpFlags.SYN) != 0 ? 20 : 0;
        ByteBuffer b = ByteBuffer.allocate(20 + options + dataLength).putShort((short) srcPort)
                .putShort((short) dstPort).putInt((int) seq).putInt((int) ack)
                .put((byte) (((20 + options) / 4) << 4)).put((byte) flags).putShort((short) 64240).putInt(0);
        for (int i = 0; i < options; i++) {
            b.put((byte) 1); // NOP
        }
        return b.array();
    }

    static byte[] udp(int srcPort, int dstPort, byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length).putShort((short) srcPort).putShort((short) dstPort)
                .putShort((short) (8 + payload.length)).putShort((short) 0).put(payload).array();
    }

    static byte[] vxlan(int vni, byte[] innerFrame) {
        return ByteBuffer.allocate(8 + innerFrame.length).put((byte) 0x08).put(new byte[3]).putInt(vni << 8)
                .put(innerFrame).array();
    }

    static byte[] arpRequest(MacAddress sender, Ipv4 senderIp, Ipv4 target) {
        return arp(1, sender, senderIp, MacAddress.parse("00:00:00:00:00:00"), target);
    }

    static byte[] arpReply(MacAddress sender, Ipv4 senderIp, MacAddress target, Ipv4 targetIp) {
        return arp(2, sender, senderIp, target, targetIp);
    }

    private static byte[] arp(int op, MacAddress sha, Ipv4 spa, MacAddress tha, Ipv4 tpa) {
        return ByteBuffer.allocate(28).putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4)
                .putShort((short) op).put(mac(sha)).put(spa.toBytes()).put(mac(tha)).put(tpa.toBytes()).array();
    }

    /** ICMP port unreachable quoting the IPv4 and UDP headers of what could not be delivered. */
    static byte[] portUnreachable(byte[] quotedIpv4) {
        return ByteBuffer.allocate(8 + quotedIpv4.length).put((byte) 3).put((byte) 3).putShort((short) 0).putInt(0)
                .put(quotedIpv4).array();
    }

    static byte[] mac(MacAddress mac) {
        byte[] raw = new byte[6];
        for (int i = 0; i < 6; i++) {
            raw[i] = (byte) (mac.bits() >>> (40 - 8 * i));
        }
        return raw;
    }

    static byte[] bytes(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
