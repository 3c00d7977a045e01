package dev.vxlab.detectors.source;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.state.Address;
import dev.vxlab.detectors.state.FdbEntry;
import dev.vxlab.detectors.state.Link;
import dev.vxlab.detectors.state.LinkCounters;
import dev.vxlab.detectors.state.LinkRef;
import dev.vxlab.detectors.state.Neighbor;
import dev.vxlab.detectors.state.Route;
import dev.vxlab.detectors.state.RoutingRule;
import dev.vxlab.detectors.state.Scope;
import dev.vxlab.detectors.state.Sysctls;
import dev.vxlab.detectors.state.VxlanInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the JSON that iproute2 ({@code ip -j}, {@code bridge -j}) prints into the records of the state package. Knows
 * iproute2 6.1's shapes and omissions: {@code dst: "default"}; {@code type}, {@code table}, {@code protocol} and
 * {@code scope} left out when they are unicast, main, boot and global (without {@code -d}); numbers instead of names
 * with {@code -N}; {@code NO-CARRIER} in place of the RUNNING flag; the otherhost counter only when non-zero.
 */
final class IpJsonParser {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Pattern MAC = Pattern.compile("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}");
    private static final Pattern UNNAMED_INDEX = Pattern.compile("if(\\d+)");
    private static final Pattern ZERO_PREFIX = Pattern.compile("0/(\\d+)");

    private final String command;

    private IpJsonParser(String command) {
        this.command = command;
    }

    /** A parser whose errors name the command that printed the JSON. */
    static IpJsonParser of(List<String> argv) {
        return new IpJsonParser(String.join(" ", argv));
    }

    // ---- links -------------------------------------------------------------------------------------------------

    /**
     * Reads {@code ip -j -d -s -s link show}.
     *
     * @param otherhostZeroWhenAbsent whether a missing {@code otherhost} counter means 0 (the kernel and iproute2 both
     *                                 know it) rather than "not reported"
     */
    List<Link> links(String json, boolean otherhostZeroWhenAbsent) throws SnapshotException {
        JsonNode root = array(json);
        Map<String, LinkRef> byName = new LinkedHashMap<>();
        for (JsonNode l : root) {
            LinkRef ref = ref(l, "ifindex", "ifname");
            byName.put(ref.name(), ref);
        }
        List<Link> links = new ArrayList<>(root.size());
        for (JsonNode l : root) {
            try {
                links.add(link(l, byName, otherhostZeroWhenAbsent));
            } catch (IllegalArgumentException e) {
                throw unreadable("link", l, e);
            }
        }
        return links;
    }

    private Link link(JsonNode l, Map<String, LinkRef> byName, boolean otherhostZeroWhenAbsent)
            throws SnapshotException {
        LinkRef self = ref(l, "ifindex", "ifname");
        JsonNode info = l.path("linkinfo");
        Optional<String> kind = optText(info, "info_kind");
        Optional<MacAddress> mac = optText(l, "address").filter(a -> MAC.matcher(a).matches()).map(MacAddress::parse);
        Optional<LinkRef> master = optText(l, "master").isPresent()
                ? Optional.of(resolve(byName, l.get("master").asText(), "master of " + self.name()))
                : Optional.empty();
        Optional<VxlanInfo> vxlan = Optional.empty();
        if (kind.filter("vxlan"::equals).isPresent()) {
            JsonNode data = info.path("info_data");
            if (!data.isObject()) {
                throw new SnapshotException("'" + command + "' printed vxlan device " + self.name()
                        + " without its attributes (is -d missing?)");
            }
            Optional<LinkRef> underlay = optText(data, "link").isPresent()
                    ? Optional.of(resolve(byName, data.get("link").asText(), "underlay of " + self.name()))
                    : Optional.empty();
            vxlan = Optional.of(new VxlanInfo(integer(data, "id", "vxlan id of " + self.name()),
                    optText(data, "local").filter(s -> s.indexOf(':') < 0).map(Ipv4::parse),
                    data.path("port").asInt(0), data.path("learning").asBoolean(true), underlay));
        }
        Link.OperState oper = optText(l, "operstate").map(IpJsonParser::operState).orElse(Link.OperState.UNKNOWN);
        return new Link(self.index(), self.name(), kind, mac, integer(l, "mtu", "mtu of " + self.name()),
                linkFlags(l.path("flags")), oper, master, vxlan, counters(l.path("stats64"), otherhostZeroWhenAbsent));
    }

    private static Link.OperState operState(String text) {
        try {
            return Link.OperState.valueOf(text);
        } catch (IllegalArgumentException e) {
            OptionalInt code = Iproute2Names.number(text);
            return code.isPresent() ? Link.OperState.ofCode(code.getAsInt()) : Link.OperState.UNKNOWN;
        }
    }

    /** iproute2 prints IFF_* names, replaces RUNNING by NO-CARRIER (UP without RUNNING) and adds M-DOWN. */
    static int linkFlags(JsonNode names) {
        int flags = 0;
        boolean noCarrier = false;
        for (JsonNode n : names) {
            String name = n.asText();
            switch (name) {
                case "NO-CARRIER" -> noCarrier = true;
                case "M-DOWN" -> { }
                default -> {
                    if (name.startsWith("0x")) {
                        flags |= Iproute2Names.number(name).orElse(0);
                    } else {
                        for (Link.Flag f : Link.Flag.values()) {
                            if (f.name().equals(name)) {
                                flags |= f.bit();
                            }
                        }
                    }
                }
            }
        }
        if ((flags & Link.Flag.UP.bit()) != 0 && !noCarrier) {
            flags |= Link.Flag.RUNNING.bit();
        }
        return flags;
    }

    private static Optional<LinkCounters> counters(JsonNode stats, boolean otherhostZeroWhenAbsent) {
        if (!stats.isObject()) {
            return Optional.empty();
        }
        JsonNode rx = stats.path("rx");
        JsonNode tx = stats.path("tx");
        OptionalLong otherhost = rx.has("otherhost") ? OptionalLong.of(rx.get("otherhost").asLong())
                : otherhostZeroWhenAbsent ? OptionalLong.of(0) : OptionalLong.empty();
        return Optional.of(new LinkCounters(rx.path("packets").asLong(), rx.path("bytes").asLong(),
                rx.path("errors").asLong(), rx.path("dropped").asLong(), tx.path("packets").asLong(),
                tx.path("bytes").asLong(), tx.path("errors").asLong(), tx.path("dropped").asLong(), otherhost));
    }

    // ---- addresses ---------------------------------------------------------------------------------------------

    /** Reads {@code ip -j [-N] -4 addr show}. */
    List<Address> addresses(String json, Map<String, LinkRef> byName) throws SnapshotException {
        List<Address> out = new ArrayList<>();
        for (JsonNode l : array(json)) {
            LinkRef link = ref(l, "ifindex", "ifname");
            if (!link.equals(byName.get(link.name()))) {
                throw new InconsistentSnapshotException("link " + link.name() + " (index " + link.index()
                        + ") changed during the snapshot");
            }
            for (JsonNode a : l.path("addr_info")) {
                if (!"inet".equals(a.path("family").asText("inet"))) {
                    continue;
                }
                try {
                    String local = optText(a, "local").or(() -> optText(a, "address"))
                            .orElseThrow(() -> new IllegalArgumentException("no local address"));
                    out.add(new Address(link, new Ipv4Prefix(Ipv4.parse(local), integer(a, "prefixlen", "prefixlen")),
                            Scope.of(named(a, "scope", Iproute2Names::scope, 0))));
                } catch (IllegalArgumentException e) {
                    throw unreadable("address of " + link.name(), a, e);
                }
            }
        }
        return out;
    }

    // ---- routes ------------------------------------------------------------------------------------------------

    /** Reads {@code ip -j [-N] -4 [-d] route show table all}. */
    List<Route> routes(String json, Map<String, LinkRef> byName) throws SnapshotException {
        List<Route> out = new ArrayList<>();
        for (JsonNode r : array(json)) {
            try {
                out.add(route(r, byName));
            } catch (IllegalArgumentException e) {
                throw unreadable("route", r, e);
            }
        }
        return out;
    }

    private Route route(JsonNode r, Map<String, LinkRef> byName) throws SnapshotException {
        String dstText = optText(r, "dst").orElseThrow(() -> new IllegalArgumentException("no dst"));
        Ipv4Prefix dst;
        Matcher zero = ZERO_PREFIX.matcher(dstText);
        if (dstText.equals("default")) {
            dst = new Ipv4Prefix(new Ipv4(0), 0);
        } else if (zero.matches()) {
            dst = new Ipv4Prefix(new Ipv4(0), Integer.parseInt(zero.group(1)));
        } else {
            dst = Ipv4Prefix.parse(dstText);
        }
        boolean multipath = r.has("nexthops");
        Optional<LinkRef> dev = multipath || optText(r, "dev").isEmpty() ? Optional.empty()
                : Optional.of(resolve(byName, r.get("dev").asText(), "device of route " + dstText));
        Optional<Ipv4> gateway = multipath ? Optional.empty() : optText(r, "gateway").map(Ipv4::parse);
        int flags = 0;
        for (JsonNode f : r.path("flags")) {
            flags |= switch (f.asText()) {
                case "dead" -> Route.Flag.DEAD.bit();
                case "pervasive" -> Route.Flag.PERVASIVE.bit();
                case "onlink" -> Route.Flag.ONLINK.bit();
                case "offload" -> Route.Flag.OFFLOAD.bit();
                case "linkdown" -> Route.Flag.LINKDOWN.bit();
                case "unresolved" -> Route.Flag.UNRESOLVED.bit();
                case "trap" -> Route.Flag.TRAP.bit();
                default -> 0; // RTM_F_* (notify, rt_offload, ...) are not next-hop flags
            };
        }
        return new Route(
                named(r, "table", Iproute2Names::table, Route.TABLE_MAIN),
                Route.Type.ofCode(named(r, "type", Iproute2Names::routeType, Route.Type.UNICAST.code())),
                dst, gateway, dev, flags,
                Scope.of(named(r, "scope", Iproute2Names::scope, Scope.UNIVERSE.value())),
                Route.Protocol.of(named(r, "protocol", Iproute2Names::protocol, Route.Protocol.BOOT.value())),
                optText(r, "prefsrc").map(Ipv4::parse),
                r.has("metric") ? r.get("metric").asLong() : 0);
    }

    // ---- policy rules --------------------------------------------------------------------------------------------

    /** Keys iproute2 prints for selectors {@link RoutingRule} does not keep (see its otherSelectors). */
    private static final java.util.Set<String> OTHER_RULE_SELECTORS = java.util.Set.of("ipproto", "sport",
            "sport_start", "dport", "dport_start", "uid_start", "l3mdev", "tun_id", "suppress_ifgroup", "realms",
            "flowid");
    private static final Map<String, Integer> RULE_ACTIONS = Map.of("blackhole", 6, "unreachable", 7,
            "prohibit", 8);

    /** Reads {@code ip -j [-N] -4 rule show}, in the kernel's order. */
    List<RoutingRule> rules(String json) throws SnapshotException {
        List<RoutingRule> out = new ArrayList<>();
        for (JsonNode r : array(json)) {
            try {
                out.add(rule(r));
            } catch (IllegalArgumentException e) {
                throw unreadable("rule", r, e);
            }
        }
        return out;
    }

    private static RoutingRule rule(JsonNode r) {
        RoutingRule.Action action;
        if (r.has("goto")) {
            action = RoutingRule.Action.GOTO;
        } else if (r.has("nop")) {
            action = RoutingRule.Action.NOP;
        } else if (r.has("action")) {
            String a = r.get("action").asText();
            action = RoutingRule.Action.ofCode(Iproute2Names.number(a).orElseGet(() -> {
                Integer code = RULE_ACTIONS.get(a);
                if (code == null) {
                    throw new IllegalArgumentException("action '" + a + "' is not one iproute2 names");
                }
                return code;
            }));
        } else {
            action = RoutingRule.Action.TO_TABLE;
        }
        boolean hasMark = r.has("fwmark");
        long fwmark = hasMark ? hex(r.get("fwmark").asText()) : 0;
        long fwmask = r.has("fwmask") ? hex(r.get("fwmask").asText()) : hasMark ? 0xFFFF_FFFFL : 0;
        boolean other = false;
        for (java.util.Iterator<String> keys = r.fieldNames(); keys.hasNext(); ) {
            other |= OTHER_RULE_SELECTORS.contains(keys.next());
        }
        return new RoutingRule(r.path("priority").asLong(0), action,
                action == RoutingRule.Action.TO_TABLE ? named(r, "table", Iproute2Names::table, 0) : 0,
                rulePrefix(r, "src", "srclen"), rulePrefix(r, "dst", "dstlen"), r.has("not"),
                optText(r, "iif"), optText(r, "oif"), fwmark, fwmask,
                r.has("tos") ? (int) hex(r.get("tos").asText()) : 0,
                r.has("suppress_prefixlen") ? r.get("suppress_prefixlen").asInt() : -1,
                action == RoutingRule.Action.GOTO ? r.get("goto").asLong() : 0, other);
    }

    /** "all" (or absent) is no selector; an address without a length is a /32 (iproute2 prints only other lengths). */
    private static Optional<Ipv4Prefix> rulePrefix(JsonNode r, String field, String lengthField) {
        Optional<String> text = optText(r, field).filter(t -> !t.equals("all"));
        return text.map(t -> new Ipv4Prefix(Ipv4.parse(t), r.has(lengthField) ? r.get(lengthField).asInt() : 32));
    }

    private static long hex(String text) {
        return text.startsWith("0x") ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
    }

    // ---- neighbors and FDB -------------------------------------------------------------------------------------

    /** Reads {@code ip -j -4 neigh show nud all}. */
    List<Neighbor> neighbors(String json, Map<String, LinkRef> byName) throws SnapshotException {
        List<Neighbor> out = new ArrayList<>();
        for (JsonNode n : array(json)) {
            try {
                String dev = optText(n, "dev").orElseThrow(() -> new IllegalArgumentException("no dev"));
                int state = 0;
                for (JsonNode s : n.path("state")) {
                    for (Neighbor.State known : Neighbor.State.values()) {
                        if (known.name().equals(s.asText())) {
                            state |= known.bit();
                        }
                    }
                }
                out.add(new Neighbor(resolve(byName, dev, "neighbor device"),
                        Ipv4.parse(optText(n, "dst").orElseThrow(() -> new IllegalArgumentException("no dst"))),
                        optText(n, "lladdr").filter(a -> MAC.matcher(a).matches()).map(MacAddress::parse), state));
            } catch (IllegalArgumentException e) {
                throw unreadable("neighbor", n, e);
            }
        }
        return out;
    }

    /** Reads {@code bridge -j fdb show}, keeping the entries of the given (vxlan) devices. */
    List<FdbEntry> fdb(String json, Map<String, LinkRef> devices) throws SnapshotException {
        List<FdbEntry> out = new ArrayList<>();
        for (JsonNode e : array(json)) {
            LinkRef dev = devices.get(e.path("ifname").asText(""));
            if (dev == null) {
                continue;
            }
            try {
                int flags = 0;
                for (JsonNode f : e.path("flags")) {
                    flags |= switch (f.asText()) {
                        case "self" -> FdbEntry.Flag.SELF.bit();
                        case "master" -> FdbEntry.Flag.MASTER.bit();
                        case "router" -> FdbEntry.Flag.ROUTER.bit();
                        case "extern_learn" -> FdbEntry.Flag.EXT_LEARNED.bit();
                        case "offload" -> FdbEntry.Flag.OFFLOADED.bit();
                        case "sticky" -> FdbEntry.Flag.STICKY.bit();
                        default -> 0;
                    };
                }
                out.add(new FdbEntry(dev,
                        MacAddress.parse(optText(e, "mac").orElseThrow(() -> new IllegalArgumentException("no mac"))),
                        optText(e, "dst").filter(d -> d.indexOf(':') < 0).map(Ipv4::parse), flags,
                        fdbState(optText(e, "state").orElse("0"))));
            } catch (IllegalArgumentException ex) {
                throw unreadable("FDB entry", e, ex);
            }
        }
        return out;
    }

    /** bridge(8) names one state per entry: permanent, static (NOARP), stale, "" (reachable), else the number. */
    private static int fdbState(String text) {
        return switch (text) {
            case "permanent" -> Neighbor.State.PERMANENT.bit();
            case "static" -> Neighbor.State.NOARP.bit();
            case "stale" -> Neighbor.State.STALE.bit();
            case "" -> Neighbor.State.REACHABLE.bit();
            default -> Iproute2Names.number(text)
                    .orElseThrow(() -> new IllegalArgumentException("unknown FDB state '" + text + "'"));
        };
    }

    // ---- sysctls -----------------------------------------------------------------------------------------------

    /** Reads {@code ip -j -4 netconf show}: forwarding and rp_filter of all, default and every device. */
    Sysctls sysctls(String json) throws SnapshotException {
        Boolean forward = null;
        Integer all = null;
        Integer dflt = null;
        Map<String, Integer> byDevice = new HashMap<>();
        java.util.Set<String> forwardingOff = new java.util.HashSet<>();
        for (JsonNode c : array(json)) {
            if (!"inet".equals(c.path("family").asText("inet")) || !c.has("rp_filter")) {
                continue;
            }
            String device = c.path("interface").asText("");
            int rpFilter = switch (c.get("rp_filter").asText()) {
                case "off", "0" -> Sysctls.RP_FILTER_OFF;
                case "strict", "1" -> Sysctls.RP_FILTER_STRICT;
                case "loose", "2" -> Sysctls.RP_FILTER_LOOSE;
                default -> throw unreadable("netconf entry", c,
                        new IllegalArgumentException("unknown rp_filter mode"));
            };
            switch (device) {
                case "all" -> {
                    all = rpFilter;
                    forward = c.path("forwarding").asBoolean(false);
                }
                case "default" -> dflt = rpFilter;
                case "" -> throw unreadable("netconf entry", c, new IllegalArgumentException("no interface"));
                default -> {
                    byDevice.put(device, rpFilter);
                    if (c.has("forwarding") && !c.get("forwarding").asBoolean(true)) {
                        forwardingOff.add(device);
                    }
                }
            }
        }
        if (all == null || dflt == null) {
            throw new SnapshotException("'" + command + "' printed no entry for 'all' or 'default'");
        }
        return new Sysctls(forward, all, dflt, byDevice, forwardingOff);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private JsonNode array(String json) throws SnapshotException {
        if (json.isBlank()) {
            return JSON.createArrayNode();
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new SnapshotException("'" + command + "' printed output that is not JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), e);
        }
        if (!root.isArray()) {
            throw new SnapshotException("'" + command + "' printed JSON that is not a list");
        }
        return root;
    }

    private LinkRef ref(JsonNode node, String indexField, String nameField) throws SnapshotException {
        if (!node.path(indexField).canConvertToInt() || !node.path(nameField).isTextual()) {
            throw unreadable("link", node, new IllegalArgumentException("no " + indexField + " or " + nameField));
        }
        return new LinkRef(node.get(indexField).asInt(), node.get(nameField).asText());
    }

    /** A device named in another dump; iproute2 prints "ifN" for an index it could not name. */
    private static LinkRef resolve(Map<String, LinkRef> byName, String name, String what)
            throws InconsistentSnapshotException {
        LinkRef ref = byName.get(name);
        if (ref != null) {
            return ref;
        }
        Matcher unnamed = UNNAMED_INDEX.matcher(name);
        if (unnamed.matches()) {
            return new LinkRef(Integer.parseInt(unnamed.group(1)), name);
        }
        throw new InconsistentSnapshotException(what + " is " + name + ", which the link dump did not list");
    }

    private static Optional<String> optText(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isValueNode() && !v.isNull() ? Optional.of(v.asText()) : Optional.empty();
    }

    private static int integer(JsonNode node, String field, String what) {
        JsonNode v = node.path(field);
        if (v.canConvertToInt()) {
            return v.asInt();
        }
        OptionalInt parsed = v.isTextual() ? Iproute2Names.number(v.asText()) : OptionalInt.empty();
        return parsed.orElseThrow(() -> new IllegalArgumentException(what + " is missing or not a number"));
    }

    /** A field iproute2 prints as a name or (with -N) a number, and leaves out when it has its usual value. */
    private static int named(JsonNode node, String field, java.util.function.Function<String, OptionalInt> names,
                             int whenAbsent) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return whenAbsent;
        }
        if (v.canConvertToInt()) {
            return v.asInt();
        }
        return names.apply(v.asText()).orElseThrow(() -> new IllegalArgumentException(
                field + " '" + v.asText() + "' is not a number or a name iproute2 defines by default"));
    }

    private SnapshotException unreadable(String what, JsonNode node, IllegalArgumentException e) {
        String text = node.toString();
        if (text.length() > 200) {
            text = text.substring(0, 200) + "...";
        }
        return new SnapshotException("'" + command + "' printed a " + what + " this parser cannot read ("
                + e.getMessage() + "): " + text, e);
    }
}
