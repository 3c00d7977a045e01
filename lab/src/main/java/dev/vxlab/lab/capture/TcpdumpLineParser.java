package dev.vxlab.lab.capture;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one line of {@code tcpdump -nn -e -tt -S} text. It is lenient on purpose: lines without the link-level
 * header (plain {@code tcpdump -n}) or without a timestamp (the second line of {@code -vv} output, as in the field
 * report) still yield what they carry, and anything else becomes an UNPARSED packet rather than an error.
 */
final class TcpdumpLineParser {
    private static final String IP = "(\\d{1,3}(?:\\.\\d{1,3}){3})";
    private static final String MAC = "([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5})";
    private static final String PORT = "(\\d{1,5})";

    private static final Pattern TIMESTAMP = Pattern.compile("^(\\d+\\.\\d+|\\d{2}:\\d{2}:\\d{2}\\.\\d+) (.*)$");
    private static final Pattern EPOCH = Pattern.compile("^(\\d+)\\.(\\d{1,9})$");
    private static final Pattern LINK = Pattern.compile(
            "^" + MAC + " > " + MAC + ", ethertype (\\S+) \\(0x[0-9a-fA-F]{4}\\), length \\d+: (.*)$");
    private static final Pattern VLAN = Pattern.compile(
            "^vlan \\d+, p \\d+, ethertype (\\S+) \\(0x[0-9a-fA-F]{4}\\), (.*)$");
    private static final Pattern TCP = Pattern.compile(
            "^" + IP + "\\." + PORT + " > " + IP + "\\." + PORT + ": Flags \\[([^\\]]*)\\](.*)$");
    private static final Pattern WITH_PORTS = Pattern.compile(
            "^" + IP + "\\." + PORT + " > " + IP + "\\." + PORT + ": (.*)$");
    private static final Pattern ICMP = Pattern.compile("^" + IP + " > " + IP + ": ICMP.*$");
    private static final Pattern ARP_REQUEST = Pattern.compile(
            "^Request who-has " + IP + "(?: \\(" + MAC + "\\))? tell " + IP + ", length (\\d+)$");
    private static final Pattern ARP_REPLY = Pattern.compile("^Reply " + IP + " is-at " + MAC + ", length (\\d+)$");
    private static final Pattern SEQ = Pattern.compile(", seq (\\d+)");
    private static final Pattern ACK = Pattern.compile(", ack (\\d+)");
    private static final Pattern LENGTH = Pattern.compile(", length (\\d+)");
    private static final Pattern UDP_LENGTH = Pattern.compile("^UDP, length (\\d+)");

    private TcpdumpLineParser() {}

    /**
     * @param previousTimestamp the time of the line before; a VXLAN packet's inner frame is printed on a line of
     *                          its own without a time, and belongs to the same captured frame
     */
    static CapturedPacket parse(String raw, Instant previousTimestamp) {
        try {
            return parseOrUnparsed(raw, previousTimestamp);
        } catch (IllegalArgumentException e) {
            return CapturedPacket.unparsed(raw); // an address or number that only looked right
        }
    }

    /** What tcpdump printed after the time and the link-level header: the packet itself. */
    static String body(String raw) {
        String rest = raw.strip();
        Matcher time = TIMESTAMP.matcher(rest);
        if (time.matches()) {
            rest = time.group(2);
        }
        Matcher link = LINK.matcher(rest);
        return link.matches() ? link.group(4) : rest;
    }

    private static CapturedPacket parseOrUnparsed(String raw, Instant previousTimestamp) {
        Fields f = new Fields(raw);
        String rest = raw.strip();
        Matcher time = TIMESTAMP.matcher(rest);
        boolean timed = time.matches();
        if (timed) {
            f.timestamp = epoch(time.group(1));
            rest = time.group(2);
        }
        Matcher link = LINK.matcher(rest);
        boolean linked = link.matches();
        if (linked) {
            f.srcMac = MacAddress.parse(link.group(1));
            f.dstMac = MacAddress.parse(link.group(2));
            f.ethertype = link.group(3);
            rest = link.group(4);
            if (!timed) {
                f.encapsulated = true;
                f.timestamp = previousTimestamp;
            }
            Matcher vlan = VLAN.matcher(rest);
            if (vlan.matches()) {
                f.ethertype = vlan.group(1);
                rest = vlan.group(2);
            }
        } else {
            rest = stripPrefix(stripPrefix(rest, "IP "), "ARP, ");
        }
        if (tcp(rest, f) || udp(rest, linked, f) || icmp(rest, f) || arp(rest, f)) {
            return f.toPacket();
        }
        if (linked) {
            f.kind = "ARP".equals(f.ethertype) ? PacketKind.ARP : PacketKind.OTHER;
            return f.toPacket();
        }
        return CapturedPacket.unparsed(raw);
    }

    private static boolean tcp(String body, Fields f) {
        Matcher m = TCP.matcher(body);
        if (!m.matches()) {
            return false;
        }
        f.kind = PacketKind.TCP;
        ports(m, f);
        f.tcpFlags = m.group(5);
        String tail = m.group(6);
        f.seq = firstLong(SEQ, tail);
        f.ack = firstLong(ACK, tail);
        Long length = firstLong(LENGTH, tail);
        f.length = length == null ? null : Math.toIntExact(length);
        return true;
    }

    // Without -v tcpdump prints no protocol number; on a whole -e line, addresses with ports and no TCP flags are
    // UDP in practice (the payload may be decoded as DNS, VXLAN/OTV, ... so only "UDP, length N" gives a length).
    // A line without the link header has nothing to vouch for it, so there only "UDP, ..." counts; and a tail
    // that is a cut-off "Flags [" is a TCP line cut short, never UDP.
    private static boolean udp(String body, boolean wholeLine, Fields f) {
        Matcher m = WITH_PORTS.matcher(body);
        if (!m.matches()) {
            return false;
        }
        String tail = m.group(5);
        if ("Flags [".startsWith(tail) || tail.startsWith("Flags") || (!wholeLine && !tail.startsWith("UDP"))) {
            return false;
        }
        f.kind = PacketKind.UDP;
        ports(m, f);
        Long length = firstLong(UDP_LENGTH, m.group(5));
        f.length = length == null ? null : Math.toIntExact(length);
        return true;
    }

    private static boolean icmp(String body, Fields f) {
        Matcher m = ICMP.matcher(body);
        if (!m.matches()) {
            return false;
        }
        f.kind = PacketKind.ICMP;
        f.srcIp = Ipv4.parse(m.group(1));
        f.dstIp = Ipv4.parse(m.group(2));
        return true;
    }

    /** ARP: the sender is the source, the address asked about is the destination. */
    private static boolean arp(String body, Fields f) {
        Matcher request = ARP_REQUEST.matcher(body);
        if (request.matches()) {
            f.kind = PacketKind.ARP;
            f.dstIp = Ipv4.parse(request.group(1));
            f.srcIp = Ipv4.parse(request.group(3));
            f.length = Integer.parseInt(request.group(4));
            return true;
        }
        Matcher reply = ARP_REPLY.matcher(body);
        if (reply.matches()) {
            f.kind = PacketKind.ARP;
            f.srcIp = Ipv4.parse(reply.group(1));
            f.length = Integer.parseInt(reply.group(3));
            return true;
        }
        return false;
    }

    private static void ports(Matcher m, Fields f) {
        f.srcIp = Ipv4.parse(m.group(1));
        f.srcPort = port(m.group(2));
        f.dstIp = Ipv4.parse(m.group(3));
        f.dstPort = port(m.group(4));
    }

    private static int port(String text) {
        int port = Integer.parseInt(text);
        if (port > 65535) {
            throw new IllegalArgumentException("not a port: " + text);
        }
        return port;
    }

    private static Long firstLong(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : null;
    }

    /** -tt prints seconds.micros (or nanos); a time of day alone has no date, so it gives no instant. */
    private static Instant epoch(String text) {
        Matcher m = EPOCH.matcher(text);
        if (!m.matches()) {
            return null;
        }
        String fraction = (m.group(2) + "000000000").substring(0, 9);
        return Instant.ofEpochSecond(Long.parseLong(m.group(1)), Long.parseLong(fraction));
    }

    private static String stripPrefix(String text, String prefix) {
        return text.startsWith(prefix) ? text.substring(prefix.length()) : text;
    }

    /** The fields of one packet while they are being read. */
    private static final class Fields {
        final String raw;
        Instant timestamp;
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
        boolean encapsulated;

        Fields(String raw) {
            this.raw = raw;
        }

        CapturedPacket toPacket() {
            return new CapturedPacket(timestamp, srcMac, dstMac, ethertype, kind, srcIp, srcPort, dstIp, dstPort,
                    tcpFlags, seq, ack, length, encapsulated, raw);
        }
    }
}
