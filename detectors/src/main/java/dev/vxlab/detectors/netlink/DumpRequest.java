package dev.vxlab.detectors.netlink;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One rtnetlink dump request: a header plus the family's zeroed fixed header, the way strict checking
 * (NETLINK_GET_STRICT_CHK) wants it, optionally filtered to one device.
 *
 * @param type       RTM_GET*
 * @param replyType  the RTM_NEW* each answer carries
 * @param family     the address family asked for
 * @param headerSize the size of the family's fixed header (ifinfomsg 16, ifaddrmsg 8, rtmsg 12, ndmsg 12,
 *                   netconfmsg 1 padded to 4, fib_rule_hdr 12)
 * @param what       what the dump is, for error sentences
 */
record DumpRequest(int type, int replyType, int family, int headerSize, String what) {
    static final DumpRequest LINKS = new DumpRequest(Rtm.GETLINK, Rtm.NEWLINK, Nlmsg.AF_UNSPEC, 16,
            "link dump (RTM_GETLINK)");
    static final DumpRequest ADDRESSES = new DumpRequest(Rtm.GETADDR, Rtm.NEWADDR, Nlmsg.AF_INET, 8,
            "IPv4 address dump (RTM_GETADDR)");
    static final DumpRequest ROUTES = new DumpRequest(Rtm.GETROUTE, Rtm.NEWROUTE, Nlmsg.AF_INET, 12,
            "IPv4 route dump (RTM_GETROUTE)");
    static final DumpRequest NEIGHBORS = new DumpRequest(Rtm.GETNEIGH, Rtm.NEWNEIGH, Nlmsg.AF_INET, 12,
            "IPv4 neighbor dump (RTM_GETNEIGH)");
    static final DumpRequest FDB = new DumpRequest(Rtm.GETNEIGH, Rtm.NEWNEIGH, Nlmsg.AF_BRIDGE, 12,
            "FDB dump (RTM_GETNEIGH, AF_BRIDGE)");
    static final DumpRequest NETCONF = new DumpRequest(Rtm.GETNETCONF, Rtm.NEWNETCONF, Nlmsg.AF_INET, 4,
            "IPv4 netconf dump (RTM_GETNETCONF)");
    static final DumpRequest RULES = new DumpRequest(Rtm.GETRULE, Rtm.NEWRULE, Nlmsg.AF_INET, 12,
            "IPv4 rule dump (RTM_GETRULE)");

    /** Where ifinfomsg, ifaddrmsg and ndmsg keep the interface index. */
    private static final int INDEX_OFFSET = 4;

    /**
     * Writes the request into the segment.
     *
     * @param ifindex 0 for every device, else the device whose entries are wanted (needs strict checking)
     * @return the request's length
     */
    int write(MemorySegment into, int seq, int ifindex) {
        int length = Nlmsg.HDRLEN + headerSize;
        into.asSlice(0, length).fill((byte) 0);
        into.set(Wire.U32, Nlmsg.LEN, length);
        into.set(Wire.U16, Nlmsg.TYPE, (short) type);
        into.set(Wire.U16, Nlmsg.FLAGS, (short) (Nlmsg.F_REQUEST | Nlmsg.F_DUMP));
        into.set(Wire.U32, Nlmsg.SEQ, seq);
        into.set(ValueLayout.JAVA_BYTE, Nlmsg.HDRLEN, (byte) family);
        if (ifindex != 0) {
            into.set(Wire.U32, Nlmsg.HDRLEN + INDEX_OFFSET, ifindex);
        }
        return length;
    }
}
