package dev.vxlab.lab.capture;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * One line of {@code tcpdump -nn -e -tt -S} output. Every field tcpdump did not print is null; a line that could
 * not be read at all is kind {@link PacketKind#UNPARSED} with only {@code raw} set.
 *
 * @param timestamp    when the frame was captured; null when the line carried no epoch time
 * @param ethertype    the name tcpdump gives the link-level type ({@code IPv4}, {@code ARP}, ...)
 * @param tcpFlags     as tcpdump prints them between brackets: {@code S}, {@code S.}, {@code .}, {@code R.}, {@code P.}
 * @param seq          the (absolute) sequence number; for a segment with data, its first byte
 * @param length       the payload length tcpdump printed last ({@code length 0} for a SYN)
 * @param encapsulated true for a frame tcpdump decoded inside a VXLAN packet (its continuation line)
 */
public record CapturedPacket(
        Instant timestamp,
        MacAddress srcMac,
        MacAddress dstMac,
        String ethertype,
        PacketKind kind,
        Ipv4 srcIp,
        Integer srcPort,
        Ipv4 dstIp,
        Integer dstPort,
        String tcpFlags,
        Long seq,
        Long ack,
        Integer length,
        boolean encapsulated,
        String raw) {

    static CapturedPacket unparsed(String raw) {
        return new CapturedPacket(null, null, null, null, PacketKind.UNPARSED, null, null, null, null, null, null,
                null, null, false, raw);
    }

    /** The TCP or UDP flow, when the line had addresses and ports. */
    public Optional<Flow> flow() {
        if (srcIp == null || srcPort == null || dstIp == null || dstPort == null) {
            return Optional.empty();
        }
        return Optional.of(new Flow(srcIp, srcPort, dstIp, dstPort));
    }

    /** A connection attempt: SYN without ACK (ECN adds E and W, as in {@code [SEW]}). */
    public boolean isSyn() {
        return kind == PacketKind.TCP && tcpFlags.contains("S") && !tcpFlags.contains(".");
    }

    public boolean isSynAck() {
        return kind == PacketKind.TCP && tcpFlags.contains("S") && tcpFlags.contains(".");
    }

    public boolean isReset() {
        return kind == PacketKind.TCP && tcpFlags.contains("R");
    }

    /** One line the way the field report reads: time, {@code srcMac > dstMac}, then the packet itself. */
    public String reportLine(ZoneId zone) {
        return ReportLine.render(this, zone);
    }
}
