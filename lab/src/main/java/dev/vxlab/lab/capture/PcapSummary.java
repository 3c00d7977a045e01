package dev.vxlab.lab.capture;

import dev.vxlab.detectors.addr.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The packets of a pcap file, decoded in Java ({@link PcapFile}, {@link FrameDecoder}), and the questions the field
 * bug asks of them: did the client retransmit its SYN, and to which MAC were the SYN-ACKs addressed?
 */
public final class PcapSummary {
    private final List<CapturedPacket> packets;
    private final boolean truncated;

    private PcapSummary(List<CapturedPacket> packets, boolean truncated) {
        this.packets = List.copyOf(packets);
        this.truncated = truncated;
    }

    public static PcapSummary read(CaptureFile capture) throws CaptureException {
        return read(capture.path());
    }

    /** Reads and decodes a pcap file on this machine. */
    public static PcapSummary read(Path pcap) throws CaptureException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(pcap);
        } catch (NoSuchFileException e) {
            throw new CaptureException("there is no capture file " + pcap, e);
        } catch (IOException e) {
            throw new CaptureException("cannot read " + pcap + ": " + e.getMessage(), e);
        }
        try {
            return of(bytes);
        } catch (PcapFile.PcapFormatException e) {
            throw new CaptureException(pcap + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Decodes pcap bytes; a file cut short (tcpdump killed) keeps every whole packet before the cut. */
    public static PcapSummary of(byte[] pcap) throws PcapFile.PcapFormatException {
        PcapFile file = PcapFile.read(pcap);
        return new PcapSummary(FrameDecoder.decode(file), file.truncated());
    }

    /** Whether the file ended in the middle of a packet. */
    public boolean truncated() {
        return truncated;
    }

    public List<CapturedPacket> packets() {
        return packets;
    }

    public List<CapturedPacket> syns() {
        return packets.stream().filter(CapturedPacket::isSyn).toList();
    }

    public List<CapturedPacket> synAcks() {
        return packets.stream().filter(CapturedPacket::isSynAck).toList();
    }

    public List<CapturedPacket> resets() {
        return packets.stream().filter(CapturedPacket::isReset).toList();
    }

    /**
     * Every SYN seen more than once with the same flow and sequence number, in order of first sight. A client
     * resends the same SYN only while no SYN-ACK has reached its socket.
     */
    public List<SynRetransmission> synRetransmissions() {
        record Attempt(Flow flow, long seq) {}
        Map<Attempt, List<CapturedPacket>> attempts = new LinkedHashMap<>();
        for (CapturedPacket syn : syns()) {
            if (syn.seq() != null && syn.flow().isPresent()) {
                attempts.computeIfAbsent(new Attempt(syn.flow().get(), syn.seq()), a -> new ArrayList<>()).add(syn);
            }
        }
        return attempts.entrySet().stream()
                .filter(e -> e.getValue().size() > 1)
                .map(e -> new SynRetransmission(e.getKey().flow(), e.getKey().seq(), e.getValue()))
                .toList();
    }

    /** The SYN-ACKs whose Ethernet destination is this MAC. */
    public List<CapturedPacket> synAcksTo(MacAddress dstMac) {
        return synAcks().stream().filter(p -> dstMac.equals(p.dstMac())).toList();
    }

    /** SYN-ACKs grouped by Ethernet destination, in order of first sight (lines without MACs are left out). */
    public Map<MacAddress, List<CapturedPacket>> synAcksByDestinationMac() {
        return synAcks().stream().filter(p -> p.dstMac() != null).collect(Collectors.groupingBy(
                CapturedPacket::dstMac, LinkedHashMap::new, Collectors.toList()));
    }

    /**
     * One sentence when SYN-ACKs arrived addressed to a MAC other than the capturing device's own, such as
     * "6 SYN-ACKs arrived addressed to ea:77:37:86:ee:bf, the device's MAC is b6:9b:ed:b0:37:74"; the kernel drops
     * such frames as not for this host.
     */
    public Optional<String> misaddressedSynAcks(MacAddress deviceMac) {
        List<String> parts = new ArrayList<>();
        synAcksByDestinationMac().forEach((mac, synAcks) -> {
            if (!mac.equals(deviceMac)) {
                parts.add(synAcks.size() + (parts.isEmpty() ? plural(synAcks.size()) + " arrived addressed to "
                        : " to ") + mac);
            }
        });
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        String last = parts.removeLast();
        String joined = parts.isEmpty() ? last : String.join(", ", parts) + " and " + last;
        return Optional.of(joined + ", the device's MAC is " + deviceMac);
    }

    private static String plural(int count) {
        return count == 1 ? " SYN-ACK" : " SYN-ACKs";
    }

    /** All packets, one report line each, times in the given zone. */
    public String render(ZoneId zone) {
        return packets.stream().map(p -> p.reportLine(zone)).collect(Collectors.joining("\n"));
    }

    /** All packets, one report line each, times in this machine's zone (as tcpdump itself would print them). */
    public String render() {
        return render(ZoneId.systemDefault());
    }
}
