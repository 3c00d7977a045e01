package dev.vxlab.lab.capture;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decodes the frames of a pcap file into {@link CapturedPacket}s: Ethernet (802.1Q/802.1ad tags skipped), Linux
 * cooked captures (SLL, SLL2: what {@code -i any} gives) and raw IP; then ARP, IPv4, TCP, UDP and ICMP. A UDP packet
 * to or from a VXLAN port yields its inner Ethernet frame as a second, encapsulated packet. A frame cut short keeps
 * what was read before the cut.
 */
final class FrameDecoder {
    /** The IANA port and the Linux kernel's (flannel's) default. */
    static final Set<Integer> VXLAN_PORTS = Set.of(4789, 8472);

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_ARP = 0x0806;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88a8;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int PROTO_ICMP = 1;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;

    private FrameDecoder() {}

    static List<CapturedPacket> decode(PcapFile pcap) {
        List<CapturedPacket> packets = new ArrayList<>();
        for (PcapFile.Record record : pcap.records()) {
            decode(pcap.linkType(), record, packets);
        }
        return packets;
    }

    static void decode(int linkType, PcapFile.Record record, List<CapturedPacket> into) {
        Frame frame = new Frame(record.data());
        Fields f = new Fields(record.timestamp(), false);
        try {
            switch (linkType) {
                case PcapFile.ETHERNET -> ethernet(frame, 0, f, into);
                case PcapFile.LINUX_SLL -> linuxCooked(frame, f, into);
                case PcapFile.LINUX_SLL2 -> linuxCooked2(frame, f, into);
                case PcapFile.RAW, PcapFile.IPV4 -> {
                    f.ethertype = "IPv4";
                    ipv4(frame, 0, f, into);
                }
                default -> into.add(CapturedPacket.unparsed(record.timestamp(),
                        "a frame of link type " + linkType + ", which is not decoded"));
            }
        } catch (IndexOutOfBoundsException cut) {
            into.add(f.cutShort(record.data().length));
        }
    }

    /** Adds the frame, and for VXLAN the inner frame after it. */
    private static void ethernet(Frame frame, int at, Fields f, List<CapturedPacket> into) {
        f.dstMac = frame.mac(at);
        f.srcMac = frame.mac(at + 6);
        int type = frame.u16(at + 12);
        int payload = at + 14;
        while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) {
            type = frame.u16(payload + 2);
            payload += 4;
        }
        network(frame, type, payload, f, into);
    }

    /** SLL (16 bytes): packet type, ARPHRD type, address length, 8 address bytes, protocol. Sender's MAC only. */
    private static void linuxCooked(Frame frame, Fields f, List<CapturedPacket> into) {
        senderMac(frame, f, frame.u16(2), frame.u16(4), 6);
        network(frame, frame.u16(14), 16, f, into);
    }

    /** SLL2 (20 bytes): protocol, reserved, interface index, ARPHRD type, packet type, address length, address. */
    private static void linuxCooked2(Frame frame, Fields f, List<CapturedPacket> into) {
        senderMac(frame, f, frame.u16(8), frame.u8(11), 12);
        network(frame, frame.u16(0), 20, f, into);
    }

    private static void senderMac(Frame frame, Fields f, int hardwareType, int addressLength, int at) {
        if (hardwareType == 1 && addressLength == 6) { // ARPHRD_ETHER
            f.srcMac = frame.mac(at);
        }
    }

    private static void network(Frame frame, int type, int at, Fields f, List<CapturedPacket> into) {
        f.ethertype = ethertypeName(type);
        switch (type) {
            case ETHERTYPE_IPV4 -> ipv4(frame, at, f, into);
            case ETHERTYPE_ARP -> into.add(arp(frame, at, f));
            default -> {
                f.kind = PacketKind.OTHER;
                f.length = frame.length();
                f.info = "ethertype " + f.ethertype + String.format(" (0x%04x)", type) + ", length " + frame.length();
                into.add(f.toPacket());
            }
        }
    }

    private static CapturedPacket arp(Frame frame, int at, Fields f) {
        int hardwareLength = frame.u8(at + 4);
        int protocolLength = frame.u8(at + 5);
        int operation = frame.u16(at + 6);
        int senderHw = at + 8;
        int senderIp = senderHw + hardwareLength;
        int targetHw = senderIp + protocolLength;
        int targetIp = targetHw + hardwareLength;
        f.kind = PacketKind.ARP;
        f.length = 8 + 2 * hardwareLength + 2 * protocolLength;
        if (protocolLength != 4 || hardwareLength != 6) {
            f.info = "ARP for hardware length " + hardwareLength + ", protocol length " + protocolLength
                    + ", length " + f.length;
            return f.toPacket();
        }
        f.srcIp = frame.ipv4(senderIp);
        f.dstIp = frame.ipv4(targetIp);
        f.info = switch (operation) {
            case 1 -> "Request who-has " + f.dstIp + " tell " + f.srcIp + ", length " + f.length;
            case 2 -> "Reply " + f.srcIp + " is-at " + frame.mac(senderHw) + ", length " + f.length;
            default -> "operation " + operation + " from " + f.srcIp + " for " + f.dstIp + ", length " + f.length;
        };
        return f.toPacket();
    }

    private static void ipv4(Frame frame, int at, Fields f, List<CapturedPacket> into) {
        int versionAndLength = frame.u8(at);
        if (versionAndLength >> 4 != 4) {
            f.kind = PacketKind.OTHER;
            f.info = "IP version " + (versionAndLength >> 4) + " in an IPv4 frame, length " + frame.length();
            into.add(f.toPacket());
            return;
        }
        int headerLength = (versionAndLength & 0x0f) * 4;
        int totalLength = frame.u16(at + 2);
        boolean laterFragment = (frame.u16(at + 6) & 0x1fff) != 0;
        int protocol = frame.u8(at + 9);
        f.srcIp = frame.ipv4(at + 12);
        f.dstIp = frame.ipv4(at + 16);
        int payload = at + headerLength;
        int payloadLength = totalLength - headerLength;
        if (laterFragment) {
            f.kind = PacketKind.OTHER;
            f.length = payloadLength;
            f.info = "IP fragment of protocol " + protocol + ", length " + payloadLength;
            into.add(f.toPacket());
            return;
        }
        switch (protocol) {
            case PROTO_TCP -> into.add(tcp(frame, payload, payloadLength, f));
            case PROTO_UDP -> udp(frame, payload, f, into);
            case PROTO_ICMP -> into.add(icmp(frame, payload, payloadLength, f));
            default -> {
                f.kind = PacketKind.OTHER;
                f.length = payloadLength;
                f.info = "ip-proto-" + protocol + ", length " + payloadLength;
                into.add(f.toPacket());
            }
        }
    }

    private static CapturedPacket tcp(Frame frame, int at, int segmentLength, Fields f) {
        f.kind = PacketKind.TCP;
        f.srcPort = frame.u16(at);
        f.dstPort = frame.u16(at + 2);
        f.seq = frame.u32(at + 4);
        long ack = frame.u32(at + 8);
        int headerLength = (frame.u8(at + 12) >> 4) * 4;
        int flags = frame.u8(at + 13);
        f.tcpFlags = TcpFlags.render(flags);
        f.ack = (flags & TcpFlags.ACK) != 0 ? ack : null;
        f.length = segmentLength - headerLength;
        return f.toPacket();
    }

    private static void udp(Frame frame, int at, Fields f, List<CapturedPacket> into) {
        f.kind = PacketKind.UDP;
        f.srcPort = frame.u16(at);
        f.dstPort = frame.u16(at + 2);
        f.length = frame.u16(at + 4) - 8;
        int payload = at + 8;
        boolean vxlan = (VXLAN_PORTS.contains(f.dstPort) || VXLAN_PORTS.contains(f.srcPort))
                && f.length >= 8 + 14 && frame.has(payload + 8 + 14) && (frame.u8(payload) & 0x08) != 0;
        if (!vxlan) {
            f.info = "UDP, length " + f.length;
            into.add(f.toPacket());
            return;
        }
        long vni = frame.u32(payload + 4) >>> 8;
        f.info = "VXLAN, flags [I] (0x08), vni " + vni;
        into.add(f.toPacket());
        Fields inner = new Fields(f.timestamp, true);
        Frame innerFrame = frame.slice(payload + 8);
        try {
            ethernet(innerFrame, 0, inner, into);
        } catch (IndexOutOfBoundsException cut) {
            into.add(inner.cutShort(innerFrame.length()));
        }
    }

    private static CapturedPacket icmp(Frame frame, int at, int messageLength, Fields f) {
        f.kind = PacketKind.ICMP;
        f.length = messageLength;
        int type = frame.u8(at);
        int code = frame.u8(at + 1);
        String what = switch (type) {
            case 0 -> "echo reply";
            case 8 -> "echo request";
            case 11 -> "time exceeded in-transit";
            case 3 -> unreachable(frame, at + 8, code);
            default -> "type " + type + ", code " + code;
        };
        f.info = "ICMP " + what + ", length " + messageLength;
        return f.toPacket();
    }

    /** tcpdump's words for the common codes: {@code 172.31.9.2 udp port 8472 unreachable}. */
    private static String unreachable(Frame frame, int quoted, int code) {
        return switch (code) {
            case 0 -> "net unreachable";
            case 1 -> "host unreachable";
            case 3 -> {
                if (!frame.has(quoted + 24)) {
                    yield "port unreachable";
                }
                int headerLength = (frame.u8(quoted) & 0x0f) * 4;
                int protocol = frame.u8(quoted + 9);
                String name = protocol == PROTO_UDP ? "udp" : protocol == PROTO_TCP ? "tcp" : "proto " + protocol;
                yield frame.ipv4(quoted + 16) + " " + name + " port " + frame.u16(quoted + headerLength + 2)
                        + " unreachable";
            }
            case 4 -> "unreachable - need to frag";
            default -> "unreachable, code " + code;
        };
    }

    private static String ethertypeName(int type) {
        return switch (type) {
            case ETHERTYPE_IPV4 -> "IPv4";
            case ETHERTYPE_ARP -> "ARP";
            case ETHERTYPE_IPV6 -> "IPv6";
            case 0x88cc -> "LLDP";
            default -> String.format("0x%04x", type);
        };
    }

    /** Big-endian reads that throw IndexOutOfBoundsException past the captured bytes. */
    private record Frame(byte[] bytes, int offset) {
        Frame(byte[] bytes) {
            this(bytes, 0);
        }

        int length() {
            return bytes.length - offset;
        }

        boolean has(int end) {
            return offset + end <= bytes.length;
        }

        Frame slice(int at) {
            return new Frame(bytes, offset + at);
        }

        int u8(int at) {
            return bytes[index(at, 1)] & 0xff;
        }

        int u16(int at) {
            return (u8(at) << 8) | u8(at + 1);
        }

        long u32(int at) {
            return ((long) u16(at) << 16) | u16(at + 2);
        }

        MacAddress mac(int at) {
            byte[] raw = new byte[6];
            System.arraycopy(bytes, index(at, 6), raw, 0, 6);
            return MacAddress.ofBytes(raw);
        }

        Ipv4 ipv4(int at) {
            byte[] raw = new byte[4];
            System.arraycopy(bytes, index(at, 4), raw, 0, 4);
            return Ipv4.ofBytes(raw);
        }

        private int index(int at, int size) {
            int i = offset + at;
            if (at < 0 || i + size > bytes.length) {
                throw new IndexOutOfBoundsException("frame cut short at byte " + at);
            }
            return i;
        }
    }

    /** The fields of one packet while they are being read. */
    private static final class Fields {
        final Instant timestamp;
        final boolean encapsulated;
        MacAddress srcMac;
        MacAddress dstMac;
        String ethertype;
        PacketKind kind;
        Ipv4 srcIp;
        Integer srcPort;
        Ipv4 dstIp;
        Integer dstPort;
        String tcpFlags;
        Long seq;
        Long ack;
        Integer length;
        String info;

        Fields(Instant timestamp, boolean encapsulated) {
            this.timestamp = timestamp;
            this.encapsulated = encapsulated;
        }

        /** What was read before the frame ended: the link header alone is OTHER, not even that is UNPARSED. */
        CapturedPacket cutShort(int frameLength) {
            String why = "a frame cut short after " + frameLength + " bytes";
            if (srcMac == null && dstMac == null && srcIp == null) {
                CapturedPacket bare = CapturedPacket.unparsed(timestamp, why);
                return encapsulated ? withEncapsulation(bare) : bare;
            }
            return new CapturedPacket(timestamp, srcMac, dstMac, ethertype, PacketKind.OTHER, srcIp, null, dstIp,
                    null, null, null, null, frameLength, encapsulated, why);
        }

        private static CapturedPacket withEncapsulation(CapturedPacket p) {
            return new CapturedPacket(p.timestamp(), null, null, null, p.kind(), null, null, null, null, null, null,
                    null, null, true, p.info());
        }

        CapturedPacket toPacket() {
            return new CapturedPacket(timestamp, srcMac, dstMac, ethertype, kind, srcIp, srcPort, dstIp, dstPort,
                    tcpFlags, seq, ack, length, encapsulated, info);
        }
    }
}
