package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.LinkCounters;
import dev.vxlab.detectors.state.LinkRef;
import dev.vxlab.detectors.state.VxlanInfo;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads RTM_NEWLINK answers (struct ifinfomsg + IFLA_* attributes). Masters and vxlan underlays are device indexes
 * that may point at links later in the dump, so links are collected first and named once the dump is complete. A link
 * whose attributes are the last dump's keeps the last dump's record (a new one only when its counters moved).
 */
final class LinkParser implements MessageHandler {
    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_MASTER = 10;
    static final int IFLA_OPERSTATE = 16;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_STATS64 = 23;
    private static final int IFLA_INFO_KIND = 1;
    private static final int IFLA_INFO_DATA = 2;
    private static final int IFLA_VXLAN_ID = 1;
    private static final int IFLA_VXLAN_LINK = 3;
    private static final int IFLA_VXLAN_LOCAL = 4;
    private static final int IFLA_VXLAN_LEARNING = 7;
    private static final int IFLA_VXLAN_PORT = 15;

    /** struct ifinfomsg: family u8, pad u8, type u16, index s32, flags u32, change u32. */
    static final int IFI_INDEX = 4;
    private static final int IFI_FLAGS = 8;
    static final int IFINFOMSG_SIZE = 16;

    /** struct rtnl_link_stats64: the counters vxlab keeps, and rx_otherhost_dropped (Linux 5.19+). */
    private static final int RX_PACKETS = 0;
    private static final int TX_PACKETS = 8;
    private static final int RX_BYTES = 16;
    private static final int TX_BYTES = 24;
    private static final int RX_ERRORS = 32;
    private static final int TX_ERRORS = 40;
    private static final int RX_DROPPED = 48;
    private static final int TX_DROPPED = 56;
    private static final int RX_OTHERHOST_DROPPED = 192;

    private static final Comparator<Pending> BY_INDEX = Comparator.comparingInt(p -> p.index);

    private final Attributes attrs = new Attributes(IFLA_STATS64);
    private final Attributes linkInfo = new Attributes(IFLA_INFO_DATA);
    private final Attributes vxlanData = new Attributes(IFLA_VXLAN_PORT);
    private final RecordCache<Link> kept = new RecordCache<>();
    /** This dump's links are the first {@link #count}; the rest are kept for the next dumps. */
    private final List<Pending> pending = new ArrayList<>();
    private int count;
    private LinkTable lastTable;

    /** A vxlan device's attributes before its underlay is named. */
    private record VxlanDraft(int vni, Optional<Ipv4> local, int port, boolean learning, int underlay) {}

    /** A link the last dump did not have, before its master and underlay are named. */
    private record Draft(int index, String name, Optional<String> kind, Optional<MacAddress> mac, int mtu, int flags,
                         Link.OperState operState, int master, VxlanDraft vxlan) {}

    /** One link of this dump: the last dump's link with these attributes, or a draft; and this dump's counters. */
    private static final class Pending {
        int index;
        String name;
        boolean vxlan;
        int slot;
        Link last;
        Draft draft;
        Optional<LinkCounters> counters;
    }

    void clear() {
        count = 0;
        kept.begin();
    }

    RecordCache<Link> kept() {
        return kept;
    }

    @Override
    public void accept(MemorySegment m, long message, long end) {
        long ifi = message + Nlmsg.HDRLEN;
        int index = Wire.i32(m, ifi + IFI_INDEX);
        attrs.parse(m, ifi + IFINFOMSG_SIZE, end);
        if (!attrs.has(IFLA_IFNAME)) {
            throw new IllegalArgumentException("link " + index + " has no IFLA_IFNAME");
        }
        MessageKey key = kept.key().bytes(m, ifi, IFINFOMSG_SIZE).attribute(attrs, IFLA_IFNAME)
                .attribute(attrs, IFLA_ADDRESS).attribute(attrs, IFLA_MTU).attribute(attrs, IFLA_MASTER)
                .attribute(attrs, IFLA_OPERSTATE);
        // Of IFLA_LINKINFO only the kind and a vxlan's data: a bridge's data holds timers that tick.
        boolean vxlan = false;
        if (attrs.has(IFLA_LINKINFO)) {
            linkInfo.parse(m, attrs.offset(IFLA_LINKINFO), attrs.offset(IFLA_LINKINFO) + attrs.length(IFLA_LINKINFO));
            key.attribute(linkInfo, IFLA_INFO_KIND);
            vxlan = linkInfo.isString(IFLA_INFO_KIND, "vxlan");
            if (vxlan) {
                if (!linkInfo.has(IFLA_INFO_DATA)) {
                    throw new IllegalArgumentException("vxlan device " + attrs.string(IFLA_IFNAME)
                            + " has no IFLA_INFO_DATA");
                }
                long data = linkInfo.offset(IFLA_INFO_DATA);
                vxlanData.parse(m, data, data + linkInfo.length(IFLA_INFO_DATA));
                key.attribute(vxlanData, IFLA_VXLAN_ID).attribute(vxlanData, IFLA_VXLAN_LINK)
                        .attribute(vxlanData, IFLA_VXLAN_LOCAL).attribute(vxlanData, IFLA_VXLAN_LEARNING)
                        .attribute(vxlanData, IFLA_VXLAN_PORT);
            }
        } else {
            key.add(-2);
        }
        Link last = kept.previous();
        Pending p = count < pending.size() ? pending.get(count) : add(new Pending());
        p.index = index;
        p.vxlan = vxlan;
        p.last = last;
        if (last != null) {
            p.name = last.name();
            p.draft = null;
            p.counters = sameCounters(last.counters()) ? last.counters() : counters();
        } else {
            p.draft = draft(m, ifi, index, vxlan);
            p.name = p.draft.name();
            p.counters = counters();
        }
        p.slot = kept.keep(last);
        count++;
    }

    private Pending add(Pending p) {
        pending.add(p);
        return p;
    }

    private Draft draft(MemorySegment m, long ifi, int index, boolean vxlan) {
        String name = attrs.string(IFLA_IFNAME);
        Optional<String> kind = attrs.has(IFLA_LINKINFO) && linkInfo.has(IFLA_INFO_KIND)
                ? Optional.of(linkInfo.string(IFLA_INFO_KIND)) : Optional.empty();
        return new Draft(index, name, kind,
                attrs.isMac(IFLA_ADDRESS) ? Optional.of(new MacAddress(attrs.mac(IFLA_ADDRESS))) : Optional.empty(),
                attrs.i32(IFLA_MTU, 0), Wire.i32(m, ifi + IFI_FLAGS),
                attrs.has(IFLA_OPERSTATE) ? Link.OperState.ofCode(attrs.u8(IFLA_OPERSTATE, 0)) : Link.OperState.UNKNOWN,
                attrs.i32(IFLA_MASTER, 0), vxlan ? vxlan() : null);
    }

    private VxlanDraft vxlan() {
        // The kernel leaves IFLA_VXLAN_LOCAL out when unset; iproute2 hides 0.0.0.0 too.
        Optional<Ipv4> local = vxlanData.isIpv4(IFLA_VXLAN_LOCAL) && vxlanData.ipv4(IFLA_VXLAN_LOCAL) != 0
                ? Optional.of(new Ipv4(vxlanData.ipv4(IFLA_VXLAN_LOCAL))) : Optional.empty();
        return new VxlanDraft(vxlanData.i32(IFLA_VXLAN_ID, 0), local, vxlanData.be16(IFLA_VXLAN_PORT, 0),
                vxlanData.u8(IFLA_VXLAN_LEARNING, 1) != 0, vxlanData.i32(IFLA_VXLAN_LINK, 0));
    }

    private Optional<LinkCounters> counters() {
        int length = attrs.length(IFLA_STATS64);
        if (length < TX_DROPPED + 8) {
            return Optional.empty();
        }
        MemorySegment m = attrs.buffer();
        long s = attrs.offset(IFLA_STATS64);
        OptionalLong otherhost = length >= RX_OTHERHOST_DROPPED + 8
                ? OptionalLong.of(Wire.u64(m, s + RX_OTHERHOST_DROPPED)) : OptionalLong.empty();
        return Optional.of(new LinkCounters(Wire.u64(m, s + RX_PACKETS), Wire.u64(m, s + RX_BYTES),
                Wire.u64(m, s + RX_ERRORS), Wire.u64(m, s + RX_DROPPED), Wire.u64(m, s + TX_PACKETS),
                Wire.u64(m, s + TX_BYTES), Wire.u64(m, s + TX_ERRORS), Wire.u64(m, s + TX_DROPPED), otherhost));
    }

    /** Whether IFLA_STATS64 holds exactly these counters, so the last ones can be kept. */
    private boolean sameCounters(Optional<LinkCounters> last) {
        int length = attrs.length(IFLA_STATS64);
        if (length < TX_DROPPED + 8 || last.isEmpty()) {
            return length < TX_DROPPED + 8 && last.isEmpty();
        }
        LinkCounters c = last.get();
        MemorySegment m = attrs.buffer();
        long s = attrs.offset(IFLA_STATS64);
        OptionalLong otherhost = c.rxOtherhostDropped();
        return c.rxPackets() == Wire.u64(m, s + RX_PACKETS) && c.rxBytes() == Wire.u64(m, s + RX_BYTES)
                && c.rxErrors() == Wire.u64(m, s + RX_ERRORS) && c.rxDropped() == Wire.u64(m, s + RX_DROPPED)
                && c.txPackets() == Wire.u64(m, s + TX_PACKETS) && c.txBytes() == Wire.u64(m, s + TX_BYTES)
                && c.txErrors() == Wire.u64(m, s + TX_ERRORS) && c.txDropped() == Wire.u64(m, s + TX_DROPPED)
                && (length >= RX_OTHERHOST_DROPPED + 8
                        ? otherhost.isPresent() && otherhost.getAsLong() == Wire.u64(m, s + RX_OTHERHOST_DROPPED)
                        : otherhost.isEmpty());
    }

    /** The dumped links by index; call after the dump. The last dump's table when no link came, went or was renamed. */
    LinkTable table() {
        for (int i = 1; i < count; i++) {
            if (pending.get(i - 1).index > pending.get(i).index) { // the kernel dumps in index order
                pending.subList(0, count).sort(BY_INDEX);
                break;
            }
        }
        if (lastTable != null && isLastTable()) {
            return lastTable;
        }
        int[] indexes = new int[count];
        LinkRef[] refs = new LinkRef[count];
        boolean[] vxlan = new boolean[count];
        for (int i = 0; i < count; i++) {
            Pending p = pending.get(i);
            LinkRef before = lastTable == null ? null : lastTable.ref(p.index);
            indexes[i] = p.index;
            refs[i] = before != null && before.name().equals(p.name) ? before : new LinkRef(p.index, p.name);
            vxlan[i] = p.vxlan;
        }
        lastTable = new LinkTable(indexes, refs, vxlan);
        return lastTable;
    }

    private boolean isLastTable() {
        if (lastTable.size() != count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            Pending p = pending.get(i);
            LinkRef ref = lastTable.refAt(i);
            if (ref.index() != p.index || !ref.name().equals(p.name) || lastTable.isVxlanAt(i) != p.vxlan) {
                return false;
            }
        }
        return true;
    }

    /** The links, masters and underlays named from the table, in the kernel's order. */
    List<Link> links(LinkTable table) throws TornDumpException {
        for (int i = 0; i < count; i++) {
            Pending p = pending.get(i);
            kept.set(p.slot, p.last != null ? renamed(p.last, p.counters, table) : link(p.draft, p.counters, table));
        }
        return kept.records();
    }

    /** The last dump's link named from this table with these counters: itself when nothing it holds changed. */
    private static Link renamed(Link last, Optional<LinkCounters> counters, LinkTable table)
            throws TornDumpException {
        Optional<LinkRef> master = last.master();
        if (master.isPresent()) {
            LinkRef ref = table.ref(master.get().index());
            if (ref != master.get()) {
                master = Optional.of(table.require(master.get().index(), "the master of " + last.name()));
            }
        }
        Optional<VxlanInfo> vxlan = last.vxlan();
        if (vxlan.isPresent() && vxlan.get().underlay().isPresent()) {
            VxlanInfo v = vxlan.get();
            LinkRef underlay = underlay(v.underlay().get().index(), table);
            if (!underlay.equals(v.underlay().get())) {
                vxlan = Optional.of(new VxlanInfo(v.vni(), v.local(), v.port(), v.learning(), Optional.of(underlay)));
            }
        }
        if (master == last.master() && vxlan == last.vxlan() && counters == last.counters()) {
            return last;
        }
        return new Link(last.index(), last.name(), last.kind(), last.mac(), last.mtu(), last.flags(),
                last.operState(), master, vxlan, counters);
    }

    private static Link link(Draft d, Optional<LinkCounters> counters, LinkTable table) throws TornDumpException {
        Optional<LinkRef> master = d.master() == 0 ? Optional.empty()
                : Optional.of(table.require(d.master(), "the master of " + d.name()));
        Optional<VxlanInfo> vxlan = Optional.empty();
        if (d.vxlan() != null) {
            VxlanDraft v = d.vxlan();
            Optional<LinkRef> underlay = v.underlay() == 0 ? Optional.empty()
                    : Optional.of(underlay(v.underlay(), table));
            vxlan = Optional.of(new VxlanInfo(v.vni(), v.local(), v.port(), v.learning(), underlay));
        }
        return new Link(d.index(), d.name(), d.kind(), d.mac(), d.mtu(), d.flags(), d.operState(), master, vxlan,
                counters);
    }

    /** An underlay may live in another namespace; iproute2 then prints "ifN". */
    private static LinkRef underlay(int index, LinkTable table) {
        LinkRef ref = table.ref(index);
        return ref != null ? ref : new LinkRef(index, "if" + index);
    }
}
