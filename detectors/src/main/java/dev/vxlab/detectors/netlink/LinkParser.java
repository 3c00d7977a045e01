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
 * that may point at links later in the dump, so links are collected as drafts and named once the dump is complete.
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

    private final Attributes attrs = new Attributes(IFLA_STATS64);
    private final Attributes linkInfo = new Attributes(IFLA_INFO_DATA);
    private final Attributes vxlanData = new Attributes(IFLA_VXLAN_PORT);
    private final List<Draft> drafts = new ArrayList<>();

    /** A vxlan device's attributes before its underlay is named. */
    private record VxlanDraft(int vni, Optional<Ipv4> local, int port, boolean learning, int underlay) {}

    /** A link before its master and underlay are named. */
    private record Draft(int index, String name, Optional<String> kind, Optional<MacAddress> mac, int mtu, int flags,
                         Link.OperState operState, int master, VxlanDraft vxlan, Optional<LinkCounters> counters) {}

    void clear() {
        drafts.clear();
    }

    @Override
    public void accept(MemorySegment m, long message, long end) {
        long ifi = message + Nlmsg.HDRLEN;
        int index = Wire.i32(m, ifi + IFI_INDEX);
        int flags = Wire.i32(m, ifi + IFI_FLAGS);
        attrs.parse(m, ifi + IFINFOMSG_SIZE, end);
        if (!attrs.has(IFLA_IFNAME)) {
            throw new IllegalArgumentException("link " + index + " has no IFLA_IFNAME");
        }
        String name = attrs.string(IFLA_IFNAME);
        Optional<String> kind = Optional.empty();
        VxlanDraft vxlan = null;
        if (attrs.has(IFLA_LINKINFO)) {
            linkInfo.parse(m, attrs.offset(IFLA_LINKINFO), attrs.offset(IFLA_LINKINFO) + attrs.length(IFLA_LINKINFO));
            if (linkInfo.has(IFLA_INFO_KIND)) {
                kind = Optional.of(linkInfo.string(IFLA_INFO_KIND));
            }
            if (kind.filter("vxlan"::equals).isPresent()) {
                vxlan = vxlan(name);
            }
        }
        drafts.add(new Draft(index, name, kind,
                attrs.isMac(IFLA_ADDRESS) ? Optional.of(new MacAddress(attrs.mac(IFLA_ADDRESS))) : Optional.empty(),
                attrs.i32(IFLA_MTU, 0), flags,
                attrs.has(IFLA_OPERSTATE) ? Link.OperState.ofCode(attrs.u8(IFLA_OPERSTATE, 0)) : Link.OperState.UNKNOWN,
                attrs.i32(IFLA_MASTER, 0), vxlan, counters()));
    }

    private VxlanDraft vxlan(String name) {
        if (!linkInfo.has(IFLA_INFO_DATA)) {
            throw new IllegalArgumentException("vxlan device " + name + " has no IFLA_INFO_DATA");
        }
        long data = linkInfo.offset(IFLA_INFO_DATA);
        vxlanData.parse(linkInfo.buffer(), data, data + linkInfo.length(IFLA_INFO_DATA));
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

    /** The dumped links by index; call after the dump. */
    LinkTable table() {
        drafts.sort(Comparator.comparingInt(Draft::index));
        int n = drafts.size();
        int[] indexes = new int[n];
        LinkRef[] refs = new LinkRef[n];
        boolean[] vxlan = new boolean[n];
        for (int i = 0; i < n; i++) {
            Draft d = drafts.get(i);
            indexes[i] = d.index();
            refs[i] = new LinkRef(d.index(), d.name());
            vxlan[i] = d.vxlan() != null;
        }
        return new LinkTable(indexes, refs, vxlan);
    }

    /** The links, masters and underlays named from the table. */
    List<Link> links(LinkTable table) throws TornDumpException {
        List<Link> links = new ArrayList<>(drafts.size());
        for (Draft d : drafts) {
            Optional<LinkRef> master = d.master() == 0 ? Optional.empty()
                    : Optional.of(table.require(d.master(), "the master of " + d.name()));
            Optional<VxlanInfo> vxlan = Optional.empty();
            if (d.vxlan() != null) {
                VxlanDraft v = d.vxlan();
                // An underlay may live in another namespace; iproute2 then prints "ifN".
                Optional<LinkRef> underlay = v.underlay() == 0 ? Optional.empty()
                        : Optional.of(Optional.ofNullable(table.ref(v.underlay()))
                                .orElseGet(() -> new LinkRef(v.underlay(), "if" + v.underlay())));
                vxlan = Optional.of(new VxlanInfo(v.vni(), v.local(), v.port(), v.learning(), underlay));
            }
            links.add(new Link(d.index(), d.name(), d.kind(), d.mac(), d.mtu(), d.flags(), d.operState(), master,
                    vxlan, d.counters()));
        }
        return links;
    }
}
