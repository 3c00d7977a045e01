package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.state.Sysctls;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads RTM_NEWNETCONF answers of family AF_INET (struct netconfmsg + NETCONFA_* attributes): ip_forward and the
 * rp_filter of "all", "default" and every device, the values behind /proc/sys/net/ipv4/conf. The values are gathered
 * as numbers first; when they and the device names are the last dump's, the last {@link Sysctls} is handed back.
 */
final class NetconfParser implements MessageHandler {
    static final int NETCONFA_IFINDEX = 1;
    static final int NETCONFA_FORWARDING = 2;
    static final int NETCONFA_RP_FILTER = 3;
    static final int IFINDEX_ALL = -1;
    static final int IFINDEX_DEFAULT = -2;
    /** What {@link #values} holds for a device whose forwarding the entry does not turn off. */
    private static final int FORWARDS = -1;

    /** struct netconfmsg is one byte (the family); attributes start at the next 4-byte boundary. */
    static final int NETCONFMSG_SIZE = 4;

    private final Attributes attrs = new Attributes(NETCONFA_RP_FILTER);
    private LinkTable links;
    private int forwarding;
    private int rpFilterAll;
    private int rpFilterDefault;
    /** Per device entry: ifindex, rp_filter, 0 when its forwarding is off else {@link #FORWARDS}. */
    private int[] values = new int[48];
    private int used;
    private int[] lastValues = new int[48];
    private int lastUsed = -1;
    private LinkTable lastLinks;
    private Sysctls last;

    void reset(LinkTable table) {
        links = table;
        used = 0;
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
                links.require(index, "a netconf entry");
                if (used + 3 > values.length) {
                    values = Arrays.copyOf(values, values.length * 2);
                }
                values[used++] = index;
                values[used++] = mode;
                values[used++] = attrs.has(NETCONFA_FORWARDING) && attrs.i32(NETCONFA_FORWARDING, 1) == 0
                        ? 0 : FORWARDS;
            }
        }
    }

    /** The sysctls of the dump; the kernel always sends "all" and "default". */
    Sysctls sysctls(String where) throws SnapshotException {
        if (rpFilterAll < 0 || rpFilterDefault < 0) {
            throw new SnapshotException("the kernel's IPv4 netconf dump in " + where
                    + " has no entry for 'all' or 'default'");
        }
        if (last != null && links == lastLinks && last.ipForward() == (forwarding != 0)
                && last.rpFilterAll() == rpFilterAll && last.rpFilterDefault() == rpFilterDefault
                && Arrays.equals(values, 0, used, lastValues, 0, lastUsed)) {
            return last;
        }
        Map<String, Integer> rpFilter = new HashMap<>();
        Set<String> forwardingOff = new HashSet<>();
        for (int i = 0; i < used; i += 3) {
            String name = links.ref(values[i]).name();
            rpFilter.put(name, values[i + 1]);
            if (values[i + 2] != FORWARDS) {
                forwardingOff.add(name);
            }
        }
        last = new Sysctls(forwarding != 0, rpFilterAll, rpFilterDefault, rpFilter, forwardingOff);
        lastLinks = links;
        int[] t = lastValues;
        lastValues = values;
        values = t;
        lastUsed = used;
        return last;
    }
}
