package dev.vxlab.lab.capture;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * One frame of a pcap file as {@link FrameDecoder} read it (a VXLAN packet's inner frame is a packet of its own).
 * Every field the frame did not carry is null.
 *
 * @param timestamp    when the frame was captured
 * @param srcMac       null on a link without MACs (raw IP); on Linux cooked captures only the sender's is known
 * @param ethertype    the link-level type by tcpdump's name for it ({@code IPv4}, {@code ARP}, {@code IPv6}, ...)
 * @param tcpFlags     as tcpdump prints them between brackets: {@code S}, {@code S.}, {@code .}, {@code R.}, {@code P.}
 * @param seq          the absolute sequence number; for a segment with data, its first byte
 * @param ack          the acknowledgement number, only when the ACK flag is set (as tcpdump prints it)
 * @param length       the TCP or UDP payload length, ARP's or ICMP's message length, else the frame's
 * @param encapsulated true for the inner frame of a VXLAN packet (it carries the outer frame's time)
 * @param info         what a report line says after the addresses for anything but TCP: {@code UDP, length 18},
 *                     {@code Request who-has 10.99.0.1 tell 10.99.0.2, length 28}, why a frame was not understood
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
        String info) {

    static CapturedPacket unparsed(Instant timestamp, String why) {
        return new CapturedPacket(timestamp, null, null, null, PacketKind.UNPARSED, null, null, null, null, null, null,
                null, null, false, why);
    }

    /** The TCP or UDP flow, when the frame had addresses and ports. */
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
