package dev.vxlab.lab.capture;

/** What a captured frame turned out to be. */
public enum PacketKind {
    TCP,
    UDP,
    ICMP,
    ARP,
    /** The link-level header was read but not the protocol behind it (IPv6, LLDP, a cut-short IPv4 header, ...). */
    OTHER,
    /** Not even the link-level header was understood (an unknown link type, a frame cut short). */
    UNPARSED
}
