package dev.vxlab.lab.capture;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Renders a decoded packet the way the field report reads it (tcpdump {@code -nn -e -S} style):
 * {@code 16:46:20.324636 ea:77:37:86:ee:bf > b6:9b:ed:b0:37:74, 10.187.1.24.9153 > 10.187.0.0.53748: Flags [S.],
 * seq 1764271535, ack 1340604576, length 0}. Parts the frame did not carry are left out, not invented.
 */
final class ReportLine {
    private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

    private ReportLine() {}

    static String render(CapturedPacket p, ZoneId zone) {
        StringBuilder out = new StringBuilder();
        if (p.timestamp() != null) {
            out.append(TIME_OF_DAY.withZone(zone).format(p.timestamp())).append(' ');
        }
        if (p.encapsulated()) {
            out.append("(inner) ");
        }
        if (p.srcMac() != null) {
            out.append(p.srcMac()).append(" > ").append(p.dstMac() == null ? "?" : p.dstMac()).append(", ");
        }
        switch (p.kind()) {
            case TCP -> {
                out.append(p.flow().orElseThrow()).append(": Flags [").append(p.tcpFlags()).append(']');
                if (printsSeq(p)) {
                    appendNumber(out, "seq", p.seq());
                }
                appendNumber(out, "ack", p.ack());
                appendNumber(out, "length", p.length());
            }
            case UDP -> out.append(p.flow().orElseThrow()).append(": ").append(p.info());
            case ICMP -> out.append(p.srcIp()).append(" > ").append(p.dstIp()).append(": ").append(p.info());
            case ARP -> out.append("ARP, ").append(p.info());
            case OTHER -> {
                if (p.srcIp() != null) {
                    out.append(p.srcIp()).append(" > ").append(p.dstIp()).append(": ");
                }
                out.append(p.info());
            }
            case UNPARSED -> out.append(p.info());
        }
        return out.toString();
    }

    /** tcpdump's rule (print-tcp.c): a sequence number only for data or a SYN, FIN or RST; a bare ACK has none. */
    static boolean printsSeq(CapturedPacket p) {
        return (p.length() != null && p.length() > 0) || p.tcpFlags().contains("S") || p.tcpFlags().contains("F")
                || p.tcpFlags().contains("R");
    }

    private static void appendNumber(StringBuilder out, String name, Number value) {
        if (value != null) {
            out.append(", ").append(name).append(' ').append(value);
        }
    }
}
