package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.state.LinkRef;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.Scope;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/** Reads RTM_NEWROUTE answers of family AF_INET (struct rtmsg + RTA_* attributes), every table. */
final class RouteParser implements MessageHandler {
    static final int RTA_DST = 1;
    static final int RTA_OIF = 4;
    static final int RTA_GATEWAY = 5;
    static final int RTA_PRIORITY = 6;
    static final int RTA_PREFSRC = 7;
    static final int RTA_MULTIPATH = 9;
    static final int RTA_TABLE = 15;

    /** struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type (u8 each), flags u32. */
    static final int RTM_FAMILY = 0;
    static final int RTM_DST_LEN = 1;
    static final int RTM_TABLE = 4;
    private static final int RTM_PROTOCOL = 5;
    private static final int RTM_SCOPE = 6;
    private static final int RTM_TYPE = 7;
    private static final int RTM_FLAGS = 8;
    static final int RTMSG_SIZE = 12;

    private final Attributes attrs = new Attributes(RTA_TABLE);
    private final RecordCache<Route> kept = new RecordCache<>();
    private LinkTable links;
    /** Whether the last dump named devices from this table too: its records then name the right ones. */
    private boolean sameNames;

    void reset(LinkTable table) {
        sameNames = table == links;
        links = table;
        kept.begin();
    }

    List<Route> routes() {
        return kept.records();
    }

    RecordCache<Route> kept() {
        return kept;
    }

    @Override
    public void accept(MemorySegment m, long message, long end) throws TornDumpException {
        long rtm = message + Nlmsg.HDRLEN;
        if (Wire.u8(m, rtm + RTM_FAMILY) != Nlmsg.AF_INET) {
            return;
        }
        attrs.parse(m, rtm + RTMSG_SIZE, end);
        boolean multipath = attrs.has(RTA_MULTIPATH);
        boolean hasDev = !multipath && attrs.has(RTA_OIF);
        int oif = attrs.i32(RTA_OIF, 0);
        kept.key().bytes(m, rtm, RTMSG_SIZE).attribute(attrs, RTA_TABLE).attribute(attrs, RTA_DST)
                .attribute(attrs, RTA_OIF).attribute(attrs, RTA_GATEWAY).attribute(attrs, RTA_PRIORITY)
                .attribute(attrs, RTA_PREFSRC).add(multipath ? 1 : 0);
        Route last = kept.previous();
        if (last != null && (sameNames || (!hasDev ? last.dev().isEmpty()
                : last.dev().isPresent() && last.dev().get() == links.ref(oif)))) {
            kept.keep(last);
            return;
        }
        // rtm_table holds only 8 bits; tables above 255 are in RTA_TABLE (rtm_table then says RT_TABLE_COMPAT).
        int table = attrs.i32(RTA_TABLE, Wire.u8(m, rtm + RTM_TABLE));
        Ipv4 dst = new Ipv4(attrs.isIpv4(RTA_DST) ? attrs.ipv4(RTA_DST) : 0);
        // A multipath route keeps its devices and gateways in RTA_MULTIPATH; the contract leaves both empty.
        Optional<LinkRef> dev = hasDev ? Optional.of(links.require(oif, "a route")) : Optional.empty();
        Optional<Ipv4> gateway = !multipath && attrs.isIpv4(RTA_GATEWAY)
                ? Optional.of(new Ipv4(attrs.ipv4(RTA_GATEWAY))) : Optional.empty();
        Optional<Ipv4> prefsrc = attrs.isIpv4(RTA_PREFSRC)
                ? Optional.of(new Ipv4(attrs.ipv4(RTA_PREFSRC))) : Optional.empty();
        kept.keep(new Route(table, Route.Type.ofCode(Wire.u8(m, rtm + RTM_TYPE)),
                new Ipv4Prefix(dst, Wire.u8(m, rtm + RTM_DST_LEN)), gateway, dev,
                Wire.i32(m, rtm + RTM_FLAGS) & 0xFF, Scope.of(Wire.u8(m, rtm + RTM_SCOPE)),
                Route.Protocol.of(Wire.u8(m, rtm + RTM_PROTOCOL)), prefsrc, attrs.u32(RTA_PRIORITY, 0)));
    }
}
