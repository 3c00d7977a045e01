package dev.vxlab.detectors.source;

import dev.vxlab.detectors.state.Route;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * iproute2's names for the kernel's numbers (lib/rt_names.c built-in tables). Only needed when {@code ip} cannot print
 * numbers itself ({@code -N}, older iproute2): a name a host defines in /etc/iproute2 is unknown here.
 */
final class Iproute2Names {
    private static final Map<String, Integer> TABLES = Map.of("unspec", 0, "default", 253, "main", 254, "local", 255);
    private static final Map<String, Integer> SCOPES = Map.of("global", 0, "universe", 0, "site", 200, "link", 253,
            "host", 254, "nowhere", 255);
    private static final Map<String, Integer> PROTOCOLS = Map.ofEntries(
            Map.entry("unspec", 0), Map.entry("redirect", 1), Map.entry("kernel", 2), Map.entry("boot", 3),
            Map.entry("static", 4), Map.entry("gated", 8), Map.entry("ra", 9), Map.entry("mrt", 10),
            Map.entry("zebra", 11), Map.entry("bird", 12), Map.entry("dnrouted", 13), Map.entry("xorp", 14),
            Map.entry("ntk", 15), Map.entry("dhcp", 16), Map.entry("keepalived", 18), Map.entry("babel", 42),
            Map.entry("openr", 99), Map.entry("bgp", 186), Map.entry("isis", 187), Map.entry("ospf", 188),
            Map.entry("rip", 189), Map.entry("eigrp", 192));

    private Iproute2Names() {}

    static OptionalInt table(String text) {
        return lookup(TABLES, text);
    }

    static OptionalInt scope(String text) {
        return lookup(SCOPES, text);
    }

    static OptionalInt protocol(String text) {
        return lookup(PROTOCOLS, text);
    }

    static OptionalInt routeType(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("none")) {
            return OptionalInt.of(Route.Type.UNSPEC.code());
        }
        for (Route.Type type : Route.Type.values()) {
            if (type.name().toLowerCase(Locale.ROOT).equals(t)) {
                return OptionalInt.of(type.code());
            }
        }
        return number(t);
    }

    private static OptionalInt lookup(Map<String, Integer> names, String text) {
        String t = text.strip();
        Integer known = names.get(t);
        return known != null ? OptionalInt.of(known) : number(t);
    }

    /** A decimal or 0x-hex number as iproute2 prints unnamed values, or empty. */
    static OptionalInt number(String text) {
        try {
            long value = text.startsWith("0x") ? Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
            return value >= 0 && value <= 0xFFFF_FFFFL ? OptionalInt.of((int) value) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
