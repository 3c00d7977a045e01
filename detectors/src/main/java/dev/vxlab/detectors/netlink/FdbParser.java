package dev.vxlab.detectors.netlink;

import static dev.vxlab.detectors.netlink.NeighborParser.NDA_DST;
import static dev.vxlab.detectors.netlink.NeighborParser.NDA_LLADDR;
import static dev.vxlab.detectors.netlink.NeighborParser.NDMSG_SIZE;
import static dev.vxlab.detectors.netlink.NeighborParser.NDM_FAMILY;
import static dev.vxlab.detectors.netlink.NeighborParser.NDM_FLAGS;
import static dev.vxlab.detectors.netlink.NeighborParser.NDM_IFINDEX;
import static dev.vxlab.detectors.netlink.NeighborParser.NDM_STATE;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Neighbor;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/**
 * Reads RTM_NEWNEIGH answers of family AF_BRIDGE: forwarding-database entries, keeping those of vxlan devices only
 * (the kernel filters by device too when strict checking lets it, but older kernels send every bridge port's).
 */
final class FdbParser implements MessageHandler {
    /** The order in which bridge(8)'s state_n2a() looks at the bits. */
    private static final Neighbor.State[] SHOWN_ORDER = {Neighbor.State.PERMANENT, Neighbor.State.NOARP,
            Neighbor.State.STALE, Neighbor.State.REACHABLE};
    private final Attributes attrs = new Attributes(NDA_LLADDR);
    private final RecordCache<FdbEntry> kept = new RecordCache<>();
    private LinkTable links;
    /** Whether the last dump named devices from this table too: its records then name the right ones. */
    private boolean sameNames;

    void reset(LinkTable table) {
        sameNames = table == links;
        links = table;
        kept.begin();
    }

    List<FdbEntry> entries() {
        return kept.records();
    }

    RecordCache<FdbEntry> kept() {
        return kept;
    }

    @Override
    public void accept(MemorySegment m, long message, long end) {
        long ndm = message + Nlmsg.HDRLEN;
        int index = Wire.i32(m, ndm + NDM_IFINDEX);
        if (Wire.u8(m, ndm + NDM_FAMILY) != Nlmsg.AF_BRIDGE || !links.isVxlan(index)) {
            return;
        }
        attrs.parse(m, ndm + NDMSG_SIZE, end);
        if (!attrs.isMac(NDA_LLADDR)) {
            return;
        }
        // NDA_DST is 16 bytes for an IPv6 remote: the contract keeps IPv4 destinations only.
        kept.key().bytes(m, ndm, NDMSG_SIZE).attribute(attrs, NDA_LLADDR).attribute(attrs, NDA_DST);
        FdbEntry last = kept.previous();
        kept.keep(last != null && (sameNames || last.dev() == links.ref(index)) ? last
                : new FdbEntry(links.ref(index), new MacAddress(attrs.mac(NDA_LLADDR)),
                        attrs.isIpv4(NDA_DST) ? Optional.of(new Ipv4(attrs.ipv4(NDA_DST))) : Optional.empty(),
                        Wire.u8(m, ndm + NDM_FLAGS), shownState(Wire.u16(m, ndm + NDM_STATE))));
    }

    /**
     * The one state bridge(8) names for an entry, as the contract in {@link dev.vxlab.detectors.source} wants:
     * {@code bridge fdb append ... permanent} stores NOARP|PERMANENT and {@code static} stores NOARP|REACHABLE,
     * where flannel's own netlink calls store PERMANENT alone; vxlan ages neither kind, so nothing is lost.
     */
    static int shownState(int state) {
        for (Neighbor.State s : SHOWN_ORDER) {
            if ((state & s.bit()) != 0) {
                return s.bit();
            }
        }
        return state;
    }
}
