package dev.vxlab.detectors.netlink;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.state.RoutingRule;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Optional;

/** Reads RTM_NEWRULE answers of family AF_INET (struct fib_rule_hdr + FRA_* attributes), in the kernel's order. */
final class RuleParser implements MessageHandler {
    static final int FRA_DST = 1;
    static final int FRA_SRC = 2;
    static final int FRA_IIFNAME = 3;
    static final int FRA_GOTO = 4;
    static final int FRA_PRIORITY = 6;
    static final int FRA_FWMARK = 10;
    static final int FRA_FLOW = 11;
    static final int FRA_TUN_ID = 12;
    static final int FRA_SUPPRESS_IFGROUP = 13;
    static final int FRA_SUPPRESS_PREFIXLEN = 14;
    static final int FRA_TABLE = 15;
    static final int FRA_FWMASK = 16;
    static final int FRA_OIFNAME = 17;
    static final int FRA_L3MDEV = 19;
    static final int FRA_UID_RANGE = 20;
    static final int FRA_IP_PROTO = 22;
    static final int FRA_SPORT_RANGE = 23;
    static final int FRA_DPORT_RANGE = 24;
    /** The selectors RoutingRule does not keep: the kernel puts each only when it is set. */
    private static final int[] OTHER_SELECTORS = {FRA_FLOW, FRA_TUN_ID, FRA_SUPPRESS_IFGROUP, FRA_L3MDEV,
        FRA_UID_RANGE, FRA_IP_PROTO, FRA_SPORT_RANGE, FRA_DPORT_RANGE};

    /** struct fib_rule_hdr: family, dst_len, src_len, tos, table, res1, res2, action (u8 each), flags u32. */
    private static final int FRH_FAMILY = 0;
    private static final int FRH_DST_LEN = 1;
    private static final int FRH_SRC_LEN = 2;
    private static final int FRH_TOS = 3;
    private static final int FRH_TABLE = 4;
    private static final int FRH_ACTION = 7;
    private static final int FRH_FLAGS = 8;
    static final int FIB_RULE_HDR_SIZE = 12;
    private static final int FIB_RULE_INVERT = 0x2;

    private final Attributes attrs = new Attributes(FRA_DPORT_RANGE);
    private final RecordCache<RoutingRule> kept = new RecordCache<>();

    void reset() {
        kept.begin();
    }

    List<RoutingRule> rules() {
        return kept.records();
    }

    RecordCache<RoutingRule> kept() {
        return kept;
    }

    @Override
    public void accept(MemorySegment m, long message, long end) {
        long frh = message + Nlmsg.HDRLEN;
        if (Wire.u8(m, frh + FRH_FAMILY) != Nlmsg.AF_INET) {
            return;
        }
        attrs.parse(m, frh + FIB_RULE_HDR_SIZE, end);
        kept.key().bytes(m, frh, end - frh); // a rule's attributes never change by themselves
        RoutingRule last = kept.previous();
        if (last != null) {
            kept.keep(last);
            return;
        }
        RoutingRule.Action action = RoutingRule.Action.ofCode(Wire.u8(m, frh + FRH_ACTION));
        boolean hasMark = attrs.has(FRA_FWMARK);
        long fwmark = attrs.u32(FRA_FWMARK, 0);
        long fwmask = attrs.u32(FRA_FWMASK, hasMark ? 0xFFFF_FFFFL : 0);
        boolean other = false;
        for (int type : OTHER_SELECTORS) {
            other |= attrs.has(type);
        }
        kept.keep(new RoutingRule(attrs.u32(FRA_PRIORITY, 0), action,
                action == RoutingRule.Action.TO_TABLE ? attrs.i32(FRA_TABLE, Wire.u8(m, frh + FRH_TABLE)) : 0,
                prefix(FRA_SRC, Wire.u8(m, frh + FRH_SRC_LEN)), prefix(FRA_DST, Wire.u8(m, frh + FRH_DST_LEN)),
                (Wire.i32(m, frh + FRH_FLAGS) & FIB_RULE_INVERT) != 0,
                attrs.has(FRA_IIFNAME) ? Optional.of(attrs.string(FRA_IIFNAME)) : Optional.empty(),
                attrs.has(FRA_OIFNAME) ? Optional.of(attrs.string(FRA_OIFNAME)) : Optional.empty(),
                fwmark, fwmask, Wire.u8(m, frh + FRH_TOS), attrs.i32(FRA_SUPPRESS_PREFIXLEN, -1),
                action == RoutingRule.Action.GOTO ? attrs.u32(FRA_GOTO, 0) : 0, other));
    }

    private Optional<Ipv4Prefix> prefix(int type, int length) {
        return attrs.isIpv4(type) && length > 0
                ? Optional.of(new Ipv4Prefix(new Ipv4(attrs.ipv4(type)), length)) : Optional.empty();
    }
}
