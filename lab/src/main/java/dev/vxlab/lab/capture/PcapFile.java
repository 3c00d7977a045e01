package dev.vxlab.lab.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A classic pcap file (what {@code tcpdump -w} writes) read from its bytes: the global header in either byte order,
 * with micro- or nanosecond times, then one record per frame. Pure Java, no libpcap.
 *
 * @param linkType  the LINKTYPE_ of every record ({@link #ETHERNET}, {@link #LINUX_SLL}, ...)
 * @param truncated true when the last record was cut short (tcpdump killed mid-write); the whole ones are kept
 */
public record PcapFile(int linkType, int snapLength, List<Record> records, boolean truncated) {
    public static final int ETHERNET = 1;
    public static final int RAW = 101;
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int LINUX_SLL2 = 276;

    private static final int MAGIC_MICROS = 0xa1b2c3d4;
    private static final int MAGIC_NANOS = 0xa1b23c4d;
    private static final int PCAPNG_SECTION = 0x0a0d0d0a;
    private static final int GLOBAL_HEADER = 24;
    private static final int RECORD_HEADER = 16;

    /** One captured frame: when, its bytes as captured, and how long it was on the wire. */
    public record Record(Instant timestamp, byte[] data, int originalLength) {}

    public PcapFile {
        records = List.copyOf(records);
    }

    /** Reads a whole pcap file; throws with one sentence when the bytes are not one. */
    public static PcapFile read(byte[] bytes) throws PcapFormatException {
        if (bytes.length < GLOBAL_HEADER) {
            throw new PcapFormatException("it is " + bytes.length + " bytes long, shorter than a pcap header");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int magic = in.getInt(0);
        boolean nanos;
        if (magic == MAGIC_MICROS || magic == MAGIC_NANOS) {
            nanos = magic == MAGIC_NANOS;
        } else if (Integer.reverseBytes(magic) == MAGIC_MICROS || Integer.reverseBytes(magic) == MAGIC_NANOS) {
            in.order(ByteOrder.LITTLE_ENDIAN);
            nanos = Integer.reverseBytes(magic) == MAGIC_NANOS;
        } else if (magic == PCAPNG_SECTION) {
            throw new PcapFormatException("it is pcapng, and only classic pcap (tcpdump -w) is read");
        } else {
            throw new PcapFormatException(String.format("it does not start with a pcap magic number (0x%08x)", magic));
        }
        int snapLength = in.getInt(16);
        int linkType = in.getInt(20) & 0x0fff_ffff; // the top bits carry FCS information
        List<Record> records = new ArrayList<>();
        int at = GLOBAL_HEADER;
        boolean truncated = false;
        while (at < bytes.length) {
            if (bytes.length - at < RECORD_HEADER) {
                truncated = true;
                break;
            }
            long seconds = Integer.toUnsignedLong(in.getInt(at));
            long fraction = Integer.toUnsignedLong(in.getInt(at + 4));
            long included = Integer.toUnsignedLong(in.getInt(at + 8));
            int original = in.getInt(at + 12);
            if (included > bytes.length - at - RECORD_HEADER) {
                truncated = true;
                break;
            }
            byte[] data = new byte[(int) included];
            System.arraycopy(bytes, at + RECORD_HEADER, data, 0, data.length);
            records.add(new Record(Instant.ofEpochSecond(seconds, nanos ? fraction : fraction * 1000), data, original));
            at += RECORD_HEADER + data.length;
        }
        return new PcapFile(linkType, snapLength, records, truncated);
    }

    /** The bytes were not a pcap file; the message completes "FILE cannot be read: ...". */
    public static final class PcapFormatException extends Exception {
        PcapFormatException(String message) {
            super(message);
        }
    }
}
