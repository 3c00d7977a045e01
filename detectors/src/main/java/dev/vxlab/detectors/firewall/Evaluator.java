package dev.vxlab.detectors.firewall;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a node's nftables ruleset does to one IPv4 packet, decided the way the kernel does: every base chain of the
 * packet's hooks (families ip and inet), by hook and priority; in each, the rules in order, jump/goto/return into and
 * out of regular chains, the policy at the end. An accept ends one base chain only: the next base chain on the same
 * hook still sees the packet, and a drop or reject anywhere is final (the lesson of flannel's accept rules that do
 * not save a packet from firewalld's reject).
 *
 * <p>The expressions understood are those firewalld and flannel-style rules use: ip/udp/tcp payload fields, meta
 * iifname/oifname/l4proto/nfproto, ct state/status, values, prefixes, sets and ranges. A rule with any other match
 * (fib, a mark, xt) is taken as not matching, and the packet is a new connection's first packet (ct state new).
 */
public final class Evaluator {
    private static final List<String> HOOK_ORDER = List.of("prerouting", "input", "forward", "output", "postrouting");
    private static final int MAX_DEPTH = 64;

    private Evaluator() {}

    /** One packet as the kernel's hooks see it; {@code oif} is empty for a packet delivered locally. */
    public record Packet(String path, String iif, String oif, Ipv4 saddr, Ipv4 daddr, String l4proto, int dport) {
        public static Packet input(String iif, Ipv4 saddr, Ipv4 daddr, String l4proto, int dport) {
            return new Packet("input", iif, "", saddr, daddr, l4proto, dport);
        }

        public static Packet forward(String iif, String oif, Ipv4 saddr, Ipv4 daddr, String l4proto, int dport) {
            return new Packet("forward", iif, oif, saddr, daddr, l4proto, dport);
        }

        List<String> hooks() {
            return path.equals("input") ? List.of("prerouting", "input")
                    : List.of("prerouting", "forward", "postrouting");
        }

        public String describe() {
            return l4proto + " " + saddr + " -> " + daddr + ":" + dport + " (" + path + ", in " + iif
                    + (oif.isEmpty() ? "" : ", out " + oif) + ")";
        }
    }

    /** Dropped (or rejected) where, or accepted by every base chain on its way. */
    public record Verdict(boolean dropped, String where) {}

    public static Verdict evaluate(Ruleset ruleset, Packet packet) {
        List<Ruleset.Chain> bases = new ArrayList<>(ruleset.chains().stream()
                .filter(c -> c.base() && (c.family().equals("ip") || c.family().equals("inet"))
                        && packet.hooks().contains(c.hook().get()))
                .toList());
        bases.sort(Comparator.<Ruleset.Chain>comparingInt(c -> HOOK_ORDER.indexOf(c.hook().get()))
                .thenComparingInt(Ruleset.Chain::priority));
        for (Ruleset.Chain base : bases) {
            Result result = run(ruleset, base, packet, 0);
            if (result.outcome == Outcome.CONTINUE && base.policy().equals("drop")) {
                return new Verdict(true, base.qualified() + ": policy drop");
            }
            if (result.outcome == Outcome.DROP) {
                return new Verdict(true, result.where);
            }
        }
        return new Verdict(false, "");
    }

    private enum Outcome { ACCEPT, DROP, CONTINUE }

    private record Result(Outcome outcome, String where) {}

    private static Result run(Ruleset ruleset, Ruleset.Chain chain, Packet packet, int depth) {
        if (depth > MAX_DEPTH) {
            return new Result(Outcome.CONTINUE, "");
        }
        int number = 0;
        for (List<JsonNode> rule : chain.rules()) {
            number++;
            boolean matched = true;
            for (JsonNode expr : rule) {
                String kind = expr.fieldNames().hasNext() ? expr.fieldNames().next() : "";
                switch (kind) {
                    case "match" -> matched = matches(expr.get("match"), packet) == Boolean.TRUE;
                    case "accept" -> {
                        return new Result(Outcome.ACCEPT, chain.qualified());
                    }
                    case "drop", "reject" -> {
                        return new Result(Outcome.DROP, chain.qualified() + " rule " + number + ": " + kind);
                    }
                    case "return" -> {
                        return new Result(Outcome.CONTINUE, "");
                    }
                    case "jump", "goto" -> {
                        String target = expr.get(kind).path("target").asText();
                        Optional<Ruleset.Chain> next = ruleset.chain(chain.family(), chain.table(), target);
                        if (next.isPresent()) {
                            Result inner = run(ruleset, next.get(), packet, depth + 1);
                            if (inner.outcome != Outcome.CONTINUE) {
                                return inner;
                            }
                        }
                        if (kind.equals("goto")) {
                            // goto does not come back: the end of the target ends this chain too.
                            return new Result(Outcome.CONTINUE, "");
                        }
                    }
                    // Statements that do not decide (counter, log, nat, mangle, limit, ...) are passed over; a
                    // match kind this class does not know makes the rule not match.
                    case "counter", "log", "limit", "dnat", "snat", "masquerade", "redirect", "mangle", "notrack",
                         "continue" -> { }
                    default -> matched = false;
                }
                if (!matched) {
                    break;
                }
            }
        }
        return new Result(Outcome.CONTINUE, "");
    }

    /** TRUE, FALSE, or null when the match is beyond this class (taken as not matching). */
    private static Boolean matches(JsonNode match, Packet packet) {
        String op = match.path("op").asText("==");
        JsonNode left = match.path("left");
        JsonNode right = match.path("right");
        Object value;
        if (left.has("payload")) {
            String protocol = left.get("payload").path("protocol").asText();
            String field = left.get("payload").path("field").asText();
            if (protocol.equals("ip")) {
                value = switch (field) {
                    case "saddr" -> packet.saddr();
                    case "daddr" -> packet.daddr();
                    default -> null;
                };
            } else if (protocol.equals("udp") || protocol.equals("tcp")) {
                if (!protocol.equals(packet.l4proto())) {
                    return false; // the match implies the protocol
                }
                value = field.equals("dport") ? (Object) packet.dport() : null;
            } else {
                return false; // ip6, icmp, ...: not this IPv4 packet's headers
            }
        } else if (left.has("meta")) {
            String key = left.get("meta").path("key").asText();
            value = switch (key) {
                case "iifname" -> packet.iif();
                case "oifname" -> packet.oif();
                case "l4proto" -> packet.l4proto();
                case "nfproto" -> "ipv4";
                default -> null;
            };
        } else if (left.has("ct")) {
            String key = left.get("ct").path("key").asText();
            value = switch (key) {
                case "state" -> "new";
                case "status" -> "";
                default -> null;
            };
        } else {
            return null;
        }
        if (value == null) {
            return null;
        }
        Boolean in = contains(right, value);
        if (in == null) {
            return null;
        }
        return op.equals("!=") ? !in : in;
    }

    private static Boolean contains(JsonNode right, Object value) {
        if (right.isArray()) {
            for (JsonNode item : right) {
                if (Boolean.TRUE.equals(contains(item, value))) {
                    return true;
                }
            }
            return false;
        }
        if (right.has("set")) {
            return contains(right.get("set"), value);
        }
        if (right.has("prefix") && value instanceof Ipv4 address) {
            JsonNode p = right.get("prefix");
            try {
                return Ipv4Prefix.parse(p.path("addr").asText() + "/" + p.path("len").asInt()).contains(address);
            } catch (IllegalArgumentException e) {
                return false; // an IPv6 prefix
            }
        }
        if (right.has("range")) {
            JsonNode r = right.get("range");
            if (value instanceof Integer port) {
                return port >= r.get(0).asInt() && port <= r.get(1).asInt();
            }
            if (value instanceof Ipv4 address) {
                try {
                    long a = Ipv4.parse(r.get(0).asText()).bits() & 0xffffffffL;
                    long b = Ipv4.parse(r.get(1).asText()).bits() & 0xffffffffL;
                    long v = address.bits() & 0xffffffffL;
                    return v >= a && v <= b;
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }
            return null;
        }
        if (right.isNumber()) {
            return value instanceof Integer port && port == right.asInt();
        }
        if (right.isTextual()) {
            String text = right.asText();
            if (value instanceof Ipv4 address) {
                try {
                    return Ipv4.parse(text).equals(address);
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }
            if (value instanceof Integer port) {
                return Integer.toString(port).equals(text);
            }
            String v = value.toString();
            // nft's interface wildcards: "veth*" matches every name starting with veth.
            return text.endsWith("*") ? v.startsWith(text.substring(0, text.length() - 1)) : v.equals(text);
        }
        return null;
    }
}
