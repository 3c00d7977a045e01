package dev.vxlab.detectors.firewall;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * nft's JSON expressions back in nft's own words, as far as findings need them ({@code ip saddr 10.244.0.0/16
 * accept}, {@code udp dport 8472 drop}); anything else is printed as its JSON.
 */
public final class RuleText {
    private RuleText() {}

    public static String of(List<JsonNode> exprs) {
        List<String> parts = new ArrayList<>();
        for (JsonNode expr : exprs) {
            parts.add(expr(expr));
        }
        return String.join(" ", parts);
    }

    /** One expression or statement. */
    public static String expr(JsonNode expr) {
        if (!expr.isObject() || !expr.fieldNames().hasNext()) {
            return expr.toString();
        }
        String kind = expr.fieldNames().next();
        JsonNode body = expr.get(kind);
        return switch (kind) {
            case "match" -> {
                String op = body.path("op").asText("==");
                String left = value(body.path("left"));
                String right = value(body.path("right"));
                boolean bitwise = body.path("left").has("&") || body.path("left").has("|");
                yield left + ((op.equals("==") || op.equals("in")) && !bitwise ? " " : " " + op + " ") + right;
            }
            case "accept", "drop", "continue", "return", "masquerade", "snat", "dnat" -> kind;
            case "reject" -> body.isObject() && body.has("expr") ? "reject with " + body.path("type").asText("icmp")
                    + " " + body.get("expr").asText() : "reject";
            case "jump", "goto" -> kind + " " + body.path("target").asText();
            case "counter" -> "counter";
            case "xt" -> "xt " + body.path("type").asText() + " " + body.path("name").asText();
            case "vmap" -> value(body.path("key")) + " vmap " + value(body.path("data"));
            default -> expr.toString();
        };
    }

    static String value(JsonNode v) {
        if (v.isTextual() || v.isNumber()) {
            String text = v.asText();
            return v.isTextual() && text.contains("*") ? "\"" + text + "\"" : text;
        }
        if (v.isArray()) {
            List<String> items = new ArrayList<>();
            v.forEach(i -> items.add(i.isArray() && i.size() == 2 ? value(i.get(0)) + " : " + expr(i.get(1))
                    : value(i)));
            return String.join(",", items);
        }
        if (v.has("payload")) {
            return v.get("payload").path("protocol").asText() + " " + v.get("payload").path("field").asText();
        }
        if (v.has("meta")) {
            String key = v.get("meta").path("key").asText();
            return key.equals("iifname") || key.equals("oifname") ? key : "meta " + key;
        }
        if (v.has("fib")) {
            List<String> flags = new ArrayList<>();
            v.get("fib").path("flags").forEach(f -> flags.add(f.asText()));
            return "fib " + String.join(" . ", flags) + " " + v.get("fib").path("result").asText();
        }
        if (v.has("&") || v.has("|")) {
            String op = v.has("&") ? "&" : "|";
            return value(v.get(op).path(0)) + " " + op + " " + value(v.get(op).path(1));
        }
        if (v.has("ct")) {
            return "ct " + v.get("ct").path("key").asText();
        }
        if (v.has("prefix")) {
            return v.get("prefix").path("addr").asText() + "/" + v.get("prefix").path("len").asText();
        }
        if (v.has("range")) {
            return value(v.get("range").get(0)) + "-" + value(v.get("range").get(1));
        }
        if (v.has("set")) {
            List<String> items = new ArrayList<>();
            v.get("set").forEach(i -> items.add(i.isArray() && i.size() == 2 ? value(i.get(0)) + " : " + expr(i.get(1))
                    : value(i)));
            return "{ " + String.join(", ", items) + " }";
        }
        return v.toString();
    }
}
