package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.state.Sysctls;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads RTM_NEWNETCONF answers of family AF_INET (struct netconfmsg + NETCONFA_* attributes): ip_forward and the
 * rp_filter of "all", "default" and every device, the values behind /proc/sys/net/ipv4/conf.
 */
final class NetconfParser implements MessageHandler {
    static final int NETCONFA_IFINDEX = 1;
    static final int NETCONFA_FORWARDING = 2;
    static final int NETCONFA_RP_FILTER = 3;
    static final int IFINDEX_ALL = -1;
    static final int IFINDEX_DEFAULT = -2;

    /** struct netconfmsg is one byte (the family); attributes start at the next 4-byte boundary. */
    static final int NETCONFMSG_SIZE = 4;

    private final Attributes attrs = new Attributes(NETCONFA_RP_FILTER);
    private final Map<String, Integer> rpFilter = new HashMap<>();
    private final java.util.Set<String> forwardingOff = new java.util.HashSet<>();
    private LinkTable links;
    private int forwarding;
    private int rpFilterAll;
    private int rpFilterDefault;

    void reset(LinkTable table) {
        links = table;
        rpFilter.clear();
        forwardingOff.clear();
        forwarding = -1;
        rpFilterAll = -1;
        rpFilterDefault = -1;
    }

    @Override
    public void accept(MemorySegment m, long message, long end) throws TornDumpException {
        long ncm = message + Nlmsg.HDRLEN;
        if (Wire.u8(m, ncm) != Nlmsg.AF_INET) {
            return;
        }
        attrs.parse(m, ncm + NETCONFMSG_SIZE, end);
        if (!attrs.has(NETCONFA_IFINDEX) || !attrs.has(NETCONFA_RP_FILTER)) {
            return;
        }
        int index = attrs.i32(NETCONFA_IFINDEX, 0);
        int mode = attrs.i32(NETCONFA_RP_FILTER, 0);
        switch (index) {
            case IFINDEX_ALL -> {
                rpFilterAll = mode;
                forwarding = attrs.i32(NETCONFA_FORWARDING, 0);
            }
            case IFINDEX_DEFAULT -> rpFilterDefault = mode;
            default -> {
                String name = links.require(index, "a netconf entry").name();
                rpFilter.put(name, mode);
                if (attrs.has(NETCONFA_FORWARDING) && attrs.i32(NETCONFA_FORWARDING, 1) == 0) {
                    forwardingOff.add(name);
                }
            }
        }
    }

    /** The sysctls of the dump; the kernel always sends "all" and "default". */
    Sysctls sysctls(String where) throws SnapshotException {
        if (rpFilterAll < 0 || rpFilterDefault < 0) {
            throw new SnapshotException("the kernel's IPv4 netconf dump in " + where
                    + " has no entry for 'all' or 'default'");
        }
        return new Sysctls(forwarding != 0, rpFilterAll, rpFilterDefault, rpFilter, forwardingOff);
    }
}
