package dev.vxlab.detectors.firewall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * iptables-legacy's filter and nat tables (the text {@code iptables-legacy-save} prints) as {@link Ruleset} chains, so
 * the {@link Evaluator} decides legacy and nftables rules together, as the kernel runs both: INPUT and FORWARD are
 * base chains at priority 0 with their policies; each rule's {@code -p}, {@code -s}, {@code -d}, {@code -i}, {@code -o}
 * (each with {@code !}), {@code --dport}/{@code --sport} and {@code --state}/{@code --ctstate} become nft's own
 * expressions, {@code -j ACCEPT|DROP|REJECT|RETURN|CHAIN} its verdicts; any other match or target is kept as an
 * {@code xt} expression, which the evaluator cannot tell; in nat, MASQUERADE and SNAT are nft's masquerade and snat
 * (PREROUTING and POSTROUTING at nft's dstnat and srcnat priorities). The chains' table is {@code TOOL:filter} or
 * {@code TOOL:nat},
 * so findings and fixes name the tool; a rule's "handle" is its position in its chain (as {@code iptables -L
 * --line-numbers} counts).
 */
public final class IptablesSave {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private IptablesSave() {}

    /** The table name the chains of a tool's filter table get, e.g. {@code iptables-legacy:filter}. */
    public static String table(String tool) {
        return tool + ":filter";
    }

    /** The tool of a table made here ({@code iptables-legacy}), or empty for an nftables table. */
    public static Optional<String> tool(String table) {
        int colon = table.indexOf(':');
        return colon > 0 && table.startsWith("iptables") ? Optional.of(table.substring(0, colon)) : Optional.empty();
    }

    /** The legacy table's own name ({@code filter}, {@code nat}) of a table made here. */
    public static String legacyTable(String table) {
        return table.substring(table.indexOf(':') + 1);
    }

    /** The filter table's chains; empty when the text has no filter table. */
    public static List<Ruleset.Chain> parse(String text, String tool) {
        return parse(text, tool, "filter");
    }

    /** The filter and nat tables' chains (nat: its POSTROUTING decides whether pod traffic is masqueraded). */
    public static List<Ruleset.Chain> parseAll(String text, String tool) {
        List<Ruleset.Chain> all = new ArrayList<>(parse(text, tool, "filter"));
        all.addAll(parse(text, tool, "nat"));
        return all;
    }

    private static List<Ruleset.Chain> parse(String text, String tool, String tableName) {
        String table = tool + ":" + tableName;
        Map<String, String> policies = new LinkedHashMap<>();
        Map<String, List<Ruleset.Rule>> rules = new LinkedHashMap<>();
        boolean inFilter = false;
        for (String raw : text.split("\n")) { // the chains first: a -j names one of them or a target
            String line = raw.strip();
            if (line.startsWith("*")) {
                inFilter = line.equals("*" + tableName);
            } else if (inFilter && line.startsWith(":")) {
                String[] parts = line.substring(1).split("\\s+");
                policies.put(parts[0], parts.length > 1 ? parts[1] : "-");
                rules.putIfAbsent(parts[0], new ArrayList<>());
            }
        }
        inFilter = false;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("*")) {
                inFilter = line.equals("*" + tableName);
            } else if (!inFilter || line.isEmpty() || line.startsWith("#") || line.equals("COMMIT")) {
                continue;
            } else if (line.startsWith("-A ")) {
                List<String> words = words(line);
                String chain = words.get(1);
                List<Ruleset.Rule> list = rules.computeIfAbsent(chain, k -> new ArrayList<>());
                list.add(new Ruleset.Rule(list.size() + 1, exprs(words.subList(2, words.size()), rules.keySet())));
            }
        }
        List<Ruleset.Chain> out = new ArrayList<>();
        for (var entry : rules.entrySet()) {
            String name = entry.getKey();
            Optional<String> hook = switch (name) {
                case "INPUT" -> Optional.of("input");
                case "FORWARD" -> tableName.equals("filter") ? Optional.of("forward") : Optional.empty();
                case "OUTPUT" -> Optional.of("output");
                case "PREROUTING" -> tableName.equals("nat") ? Optional.of("prerouting") : Optional.empty();
                case "POSTROUTING" -> tableName.equals("nat") ? Optional.of("postrouting") : Optional.empty();
                default -> Optional.empty();
            };
            // iptables' nat hooks sit where nft's dstnat (-100) and srcnat (100) are; filter at 0.
            int priority = !tableName.equals("nat") ? 0 : name.equals("PREROUTING") || name.equals("OUTPUT") ? -100 : 100;
            String policy = policies.getOrDefault(name, "-").equals("DROP") ? "drop" : "accept";
            out.add(new Ruleset.Chain("ip", table, name, hook, hook.isPresent() ? tableName : "", priority, policy,
                    entry.getValue()));
        }
        return out;
    }

    /** Splits a rule line into words, keeping "quoted strings" (comments) whole. */
    private static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (!word.isEmpty()) {
                    out.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (!word.isEmpty()) {
            out.add(word.toString());
        }
        return out;
    }

    private static List<JsonNode> exprs(List<String> words, java.util.Set<String> chains) {
        List<JsonNode> out = new ArrayList<>();
        String protocol = null;
        boolean negate = false;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String arg = i + 1 < words.size() ? words.get(i + 1) : "";
            switch (w) {
                case "!" -> {
                    negate = true;
                    continue;
                }
                case "-p", "--protocol" -> {
                    protocol = switch (arg) {
                        case "6" -> "tcp";
                        case "17" -> "udp";
                        case "1" -> "icmp";
                        default -> arg.toLowerCase(java.util.Locale.ROOT);
                    };
                    out.add(match(negate, meta("l4proto"), F.textNode(protocol)));
                    i++;
                }
                case "-s", "--source" -> {
                    out.add(match(negate, payload("ip", "saddr"), address(arg)));
                    i++;
                }
                case "-d", "--destination" -> {
                    out.add(match(negate, payload("ip", "daddr"), address(arg)));
                    i++;
                }
                case "-i", "--in-interface" -> {
                    out.add(match(negate, meta("iifname"), F.textNode(arg.replace('+', '*'))));
                    i++;
                }
                case "-o", "--out-interface" -> {
                    out.add(match(negate, meta("oifname"), F.textNode(arg.replace('+', '*'))));
                    i++;
                }
                case "--dport", "--destination-port", "--sport", "--source-port" -> {
                    String field = w.equals("--dport") || w.equals("--destination-port") ? "dport" : "sport";
                    out.add(match(negate, payload(protocol == null ? "th" : protocol, field), port(arg)));
                    i++;
                }
                case "--state", "--ctstate" -> {
                    ArrayNode states = F.arrayNode();
                    for (String s : arg.toLowerCase(java.util.Locale.ROOT).split(",")) {
                        states.add(s);
                    }
                    out.add(match(negate, ct("state"), states));
                    i++;
                }
                case "-m", "--match" -> {
                    // udp, tcp, state, conntrack carry the options read above; comment decides nothing.
                    if (!List.of("udp", "tcp", "state", "conntrack", "comment").contains(arg)) {
                        out.add(xt("match", arg));
                    }
                    i++;
                }
                case "--comment" -> i++;
                case "-j", "--jump", "-g", "--goto" -> {
                    out.add(target(arg, w.equals("-g") || w.equals("--goto"), chains));
                    i++;
                    // The target's own options (--reject-with, --log-prefix, ...) follow; they decide nothing more.
                    while (i + 1 < words.size() && words.get(i + 1).startsWith("--")) {
                        i += 2;
                    }
                }
                default -> {
                    if (w.startsWith("-")) {
                        out.add(xt("match", w + (arg.startsWith("-") ? "" : " " + arg)));
                        if (!arg.startsWith("-")) {
                            i++;
                        }
                    }
                }
            }
            negate = false;
        }
        return out;
    }

    private static JsonNode target(String name, boolean gotoChain, java.util.Set<String> chains) {
        return switch (name) {
            case "ACCEPT" -> F.objectNode().putNull("accept");
            case "DROP" -> F.objectNode().putNull("drop");
            case "REJECT" -> F.objectNode().putNull("reject");
            case "MASQUERADE" -> F.objectNode().putNull("masquerade");
            case "SNAT" -> {
                ObjectNode snat = F.objectNode();
                snat.putObject("snat");
                yield snat;
            }
            case "RETURN" -> F.objectNode().putNull("return");
            case "LOG", "NFLOG", "MARK", "CONNMARK", "CT", "NOTRACK", "TRACE", "AUDIT" -> F.objectNode().putNull("counter");
            default -> chains.contains(name) ? jump(gotoChain ? "goto" : "jump", name) : xt("target", name);
        };
    }

    private static JsonNode jump(String kind, String chain) {
        ObjectNode o = F.objectNode();
        o.putObject(kind).put("target", chain);
        return o;
    }

    private static JsonNode xt(String type, String name) {
        ObjectNode o = F.objectNode();
        o.putObject("xt").put("type", type).put("name", name);
        return o;
    }

    private static JsonNode match(boolean negate, JsonNode left, JsonNode right) {
        ObjectNode o = F.objectNode();
        ObjectNode m = o.putObject("match");
        m.put("op", negate ? "!=" : "==");
        m.set("left", left);
        m.set("right", right);
        return o;
    }

    private static JsonNode meta(String key) {
        ObjectNode o = F.objectNode();
        o.putObject("meta").put("key", key);
        return o;
    }

    private static JsonNode ct(String key) {
        ObjectNode o = F.objectNode();
        o.putObject("ct").put("key", key);
        return o;
    }

    private static JsonNode payload(String protocol, String field) {
        ObjectNode o = F.objectNode();
        o.putObject("payload").put("protocol", protocol).put("field", field);
        return o;
    }

    private static JsonNode address(String text) {
        int slash = text.indexOf('/');
        if (slash < 0 || text.endsWith("/32")) {
            return F.textNode(slash < 0 ? text : text.substring(0, slash));
        }
        ObjectNode o = F.objectNode();
        o.putObject("prefix").put("addr", text.substring(0, slash)).put("len", Integer.parseInt(text.substring(slash + 1)));
        return o;
    }

    private static JsonNode port(String text) {
        if (text.contains(":")) {
            String[] ends = text.split(":", -1);
            ObjectNode o = F.objectNode();
            o.putArray("range").add(ends[0].isEmpty() ? 0 : Integer.parseInt(ends[0]))
                    .add(ends[1].isEmpty() ? 65535 : Integer.parseInt(ends[1]));
            return o;
        }
        return text.chars().allMatch(Character::isDigit) ? F.numberNode(Integer.parseInt(text)) : F.textNode(text);
    }
}
