package dev.vxlab.lab.capture;

/** What a tcpdump line turned out to be. */
public enum PacketKind {
    TCP,
    UDP,
    ICMP,
    ARP,
    /** The link-level header was read but not the protocol behind it (IPv6, LLDP, ...). */
    OTHER,
    /** Nothing was understood; only the raw text is kept. */
    UNPARSED
}
