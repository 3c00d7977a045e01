package dev.vxlab.lab.capture;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The packets of a pcap file, read with {@code tcpdump -r FILE -nn -e -tt -S}, and the questions the field bug asks
 * of them: did the client retransmit its SYN, and to which MAC were the SYN-ACKs addressed?
 */
public final class PcapSummary {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final List<CapturedPacket> packets;

    private PcapSummary(List<CapturedPacket> packets) {
        this.packets = List.copyOf(packets);
    }

    public static PcapSummary read(CaptureFile capture) throws CaptureException {
        return read(capture.path());
    }

    /** Decodes the file with tcpdump (reading a file needs no privileges) and parses every line. */
    public static PcapSummary read(Path pcap) throws CaptureException {
        return read(TcpdumpProgram.DEFAULT, pcap);
    }

    static PcapSummary read(String program, Path pcap) throws CaptureException {
        if (!TcpdumpProgram.isInstalled(program, System.getenv().getOrDefault("PATH", ""))) {
            throw new CaptureException(TcpdumpProgram.MISSING);
        }
        CommandResult result = ProcessRunner.run(
                List.of(program, "-r", pcap.toString(), "-nn", "-e", "-tt", "-S"), READ_TIMEOUT);
        // A file cut short (tcpdump killed) still prints every whole packet before the error: keep them.
        if (!result.ok() && result.stdout().isBlank()) {
            throw new CaptureException("tcpdump cannot read " + pcap + ": "
                    + TcpdumpProgram.explanation(result.stderr().lines().toList()));
        }
        return parse(result.stdout());
    }

    /** Parses tcpdump text; blank lines are skipped, every other line becomes one packet. */
    public static PcapSummary parse(String tcpdumpText) {
        return parse(tcpdumpText.lines().toList());
    }

    public static PcapSummary parse(List<String> tcpdumpLines) {
        List<CapturedPacket> packets = new ArrayList<>();
        Instant previous = null;
        for (String line : tcpdumpLines) {
            if (line.isBlank()) {
                continue;
            }
            CapturedPacket packet = TcpdumpLineParser.parse(line, previous);
            packets.add(packet);
            if (packet.timestamp() != null) {
                previous = packet.timestamp();
            }
        }
        return new PcapSummary(packets);
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
