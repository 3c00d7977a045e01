package dev.vxlab.detectors.state;

import dev.vxlab.detectors.addr.Ipv4Prefix;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One IPv4 policy routing rule (RTM_NEWRULE, {@code ip rule}), named after the kernel's fields: the rules decide which
 * routing tables a lookup consults, in priority order.
 *
 * @param priority          FRA_PRIORITY (an unsigned 32-bit value)
 * @param action            fib_rule_hdr.action
 * @param table             FRA_TABLE for {@link Action#TO_TABLE} (else 0)
 * @param src               FRA_SRC with src_len; empty for "from all"
 * @param dst               FRA_DST with dst_len; empty for "to all"
 * @param invert            FIB_RULE_INVERT ({@code not}): the rule applies where its selectors do NOT match
 * @param iif               FRA_IIFNAME
 * @param oif               FRA_OIFNAME
 * @param fwmark            FRA_FWMARK (0 when absent)
 * @param fwmask            FRA_FWMASK (0xffffffff when only a mark was given; 0 without a mark)
 * @param tos               fib_rule_hdr.tos
 * @param suppressPrefixlen FRA_SUPPRESS_PREFIXLEN, -1 when absent
 * @param gotoTarget        FRA_GOTO for {@link Action#GOTO} (else 0)
 * @param otherSelectors    whether the rule also selects on something this record does not keep (ipproto, ports, uid
 *                          range, l3mdev, tunnel id, realms, suppress_ifgroup): a reader must not assume it matches
 */
public record RoutingRule(long priority, Action action, int table, Optional<Ipv4Prefix> src, Optional<Ipv4Prefix> dst,
                          boolean invert, Optional<String> iif, Optional<String> oif, long fwmark, long fwmask, int tos,
                          int suppressPrefixlen, long gotoTarget, boolean otherSelectors) {

    /**
     * By priority only. The kernel keeps rules of equal priority in the order they were added and dumps them so;
     * the sort is stable, so that order is kept.
     */
    static final Comparator<RoutingRule> ORDER = Comparator.comparingLong(RoutingRule::priority);

    /** The kernel's FR_ACT_* actions (include/uapi/linux/fib_rules.h). */
    public enum Action {
        UNSPEC(0), TO_TABLE(1), GOTO(2), NOP(3), BLACKHOLE(6), UNREACHABLE(7), PROHIBIT(8);

        private final int code;

        Action(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Action ofCode(int code) {
            for (Action a : values()) {
                if (a.code == code) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown rule action " + code);
        }
    }

    /** What a namespace starts with: {@code 0: lookup local}, {@code 32766: lookup main}, {@code 32767: lookup default}. */
    public static final List<RoutingRule> DEFAULTS = List.of(lookup(0, Route.TABLE_LOCAL),
            lookup(32766, Route.TABLE_MAIN), lookup(32767, Route.TABLE_DEFAULT));

    /** Whether this is one of {@link #DEFAULTS}. */
    public boolean isDefault() {
        for (RoutingRule d : DEFAULTS) {
            if (d.equals(this)) {
                return true;
            }
        }
        return false;
    }

    // Written out, field by field as the record's would be, for C1's sake (see Ipv4#equals); the generated hashCode
    // reads the same components, so the two stay consistent.
    @Override
    public boolean equals(Object o) {
        return o instanceof RoutingRule r && r.priority == priority && r.action == action && r.table == table
                && r.invert == invert && r.fwmark == fwmark && r.fwmask == fwmask && r.tos == tos
                && r.suppressPrefixlen == suppressPrefixlen && r.gotoTarget == gotoTarget
                && r.otherSelectors == otherSelectors && r.src.equals(src) && r.dst.equals(dst) && r.iif.equals(iif)
                && r.oif.equals(oif);
    }

    /** {@code from all lookup TABLE} at a priority. */
    public static RoutingRule lookup(long priority, int table) {
        return new RoutingRule(priority, Action.TO_TABLE, table, Optional.empty(), Optional.empty(), false,
                Optional.empty(), Optional.empty(), 0, 0, 0, -1, 0, false);
    }

    public RoutingRule {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(iif, "iif");
        Objects.requireNonNull(oif, "oif");
        if (priority < 0 || priority > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("a rule priority is an unsigned 32-bit value, not " + priority);
        }
    }

    /** The rule in {@code ip rule} form: {@code 50: from all to 10.187.2.0/24 lookup 100}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder().append(priority).append(":");
        if (invert) {
            out.append(" not");
        }
        out.append(" from ").append(src.map(Ipv4Prefix::toString).orElse("all"));
        dst.ifPresent(d -> out.append(" to ").append(d));
        if (tos != 0) {
            out.append(" tos 0x").append(Integer.toHexString(tos));
        }
        if (fwmark != 0 || fwmask != 0) {
            out.append(" fwmark 0x").append(Long.toHexString(fwmark));
            if (fwmask != 0xFFFF_FFFFL) {
                out.append("/0x").append(Long.toHexString(fwmask));
            }
        }
        iif.ifPresent(i -> out.append(" iif ").append(i));
        oif.ifPresent(o -> out.append(" oif ").append(o));
        if (otherSelectors) {
            out.append(" (and selectors not modelled)");
        }
        switch (action) {
            case TO_TABLE -> out.append(" lookup ").append(switch (table) {
                case Route.TABLE_MAIN -> "main";
                case Route.TABLE_LOCAL -> "local";
                case Route.TABLE_DEFAULT -> "default";
                default -> Integer.toUnsignedString(table);
            });
            case GOTO -> out.append(" goto ").append(gotoTarget);
            default -> out.append(' ').append(action.name().toLowerCase(Locale.ROOT));
        }
        if (suppressPrefixlen >= 0) {
            out.append(" suppress_prefixlength ").append(suppressPrefixlen);
        }
        return out.toString();
    }
}
