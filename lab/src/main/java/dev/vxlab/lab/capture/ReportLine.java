package dev.vxlab.lab.capture;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Renders a packet the way the field report reads it:
 * {@code 16:46:20.324636 ea:77:37:86:ee:bf > b6:9b:ed:b0:37:74, 10.187.1.24.9153 > 10.187.0.0.53748: Flags [S.],
 * seq 1764271535, ack 1340604576, length 0}. Parts tcpdump did not print are left out, not invented.
 */
final class ReportLine {
    private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

    private ReportLine() {}

    static String render(CapturedPacket p, ZoneId zone) {
        if (p.kind() == PacketKind.UNPARSED) {
            return p.raw();
        }
        StringBuilder out = new StringBuilder();
        if (p.timestamp() != null) {
            out.append(TIME_OF_DAY.withZone(zone).format(p.timestamp())).append(' ');
        }
        if (p.encapsulated()) {
            out.append("(inner) ");
        }
        if (p.srcMac() != null) {
            out.append(p.srcMac()).append(" > ").append(p.dstMac()).append(", ");
        }
        if (p.kind() == PacketKind.TCP) {
            out.append(p.flow().orElseThrow()).append(": Flags [").append(p.tcpFlags()).append(']');
            appendNumber(out, "seq", p.seq());
            appendNumber(out, "ack", p.ack());
            appendNumber(out, "length", p.length());
        } else {
            String body = TcpdumpLineParser.body(p.raw());
            if (p.kind() == PacketKind.ARP && !body.startsWith("ARP")) {
                out.append("ARP, ");
            }
            out.append(body);
        }
        return out.toString();
    }

    private static void appendNumber(StringBuilder out, String name, Number value) {
        if (value != null) {
            out.append(", ").append(name).append(' ').append(value);
        }
    }
}
