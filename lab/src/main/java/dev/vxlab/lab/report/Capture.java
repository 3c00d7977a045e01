package dev.vxlab.lab.report;

import java.util.List;

/**
 * A packet capture of the run.
 *
 * @param file       the pcap file's name, relative to the report directory (report.html links to it)
 * @param title      where it was taken, e.g. {@code source node 172.31.159.19, flannel.1 (27 packets)}
 * @param highlights what it shows, field-report style, one sentence each ("the client retransmits its SYN with the
 *                   same seq: …", "15 SYN-ACKs arrived addressed to ea:77:37:86:ee:bf, the device's MAC is …")
 * @param packets    the packets as tcpdump prints them, one line each
 */
public record Capture(String file, String title, List<String> highlights, String packets) {
    public Capture {
        highlights = List.copyOf(highlights);
    }
}
