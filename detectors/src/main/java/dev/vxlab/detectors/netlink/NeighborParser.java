package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.state.Neighbor;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/** Reads RTM_NEWNEIGH answers of family AF_INET (struct ndmsg + NDA_* attributes): the ARP table, every state. */
final class NeighborParser implements MessageHandler {
    static final int NDA_DST = 1;
    static final int NDA_LLADDR = 2;

    /** struct ndmsg: family u8, pad u8, pad u16, ifindex s32, state u16, flags u8, type u8. */
    static final int NDM_FAMILY = 0;
    static final int NDM_IFINDEX = 4;
    static final int NDM_STATE = 8;
    static final int NDM_FLAGS = 10;
    static final int NDMSG_SIZE = 12;

    private final Attributes attrs = new Attributes(NDA_LLADDR);
    private final RecordCache<Neighbor> kept = new RecordCache<>();
    private LinkTable links;
    /** Whether the last dump named devices from this table too: its records then name the right ones. */
    private boolean sameNames;

    void reset(LinkTable table) {
        sameNames = table == links;
        links = table;
        kept.begin();
    }

    List<Neighbor> neighbors() {
        return kept.records();
    }

    RecordCache<Neighbor> kept() {
        return kept;
    }

    @Override
    public void accept(MemorySegment m, long message, long end) throws TornDumpException {
        long ndm = message + Nlmsg.HDRLEN;
        if (Wire.u8(m, ndm + NDM_FAMILY) != Nlmsg.AF_INET) {
            return;
        }
        attrs.parse(m, ndm + NDMSG_SIZE, end);
        if (!attrs.isIpv4(NDA_DST)) {
            return;
        }
        int index = Wire.i32(m, ndm + NDM_IFINDEX);
        kept.key().bytes(m, ndm, NDMSG_SIZE).attribute(attrs, NDA_DST).attribute(attrs, NDA_LLADDR);
        Neighbor last = kept.previous();
        kept.keep(last != null && (sameNames || last.dev() == links.ref(index)) ? last
                : new Neighbor(links.require(index, "a neighbor entry"), new Ipv4(attrs.ipv4(NDA_DST)),
                        attrs.isMac(NDA_LLADDR) ? Optional.of(new MacAddress(attrs.mac(NDA_LLADDR))) : Optional.empty(),
                        Wire.u16(m, ndm + NDM_STATE)));
    }
}
