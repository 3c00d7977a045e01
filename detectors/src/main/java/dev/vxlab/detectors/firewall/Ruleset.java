package dev.vxlab.detectors.firewall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A node's packet filter as {@code nft -j list ruleset} prints it (iptables-nft's tables included, since they are
 * nftables tables): its chains, each with its hook (base chains) and its rules as nft's own JSON expressions with
 * their handles, and its named sets and maps. {@link Evaluator} decides what it does to a packet.
 *
 * @param inspected      whether anyone read it (a source that reads no firewall leaves it false)
 * @param chains         every chain of every table
 * @param sets           every named set and map, by {@code family table name}
 * @param bridgeFiltered whether {@code net.bridge.bridge-nf-call-iptables} is 1 in the node's namespace (read beside
 *                       the ruleset): bridged IPv4 frames then pass the ip family's prerouting/forward/postrouting
 *                       hooks as if routed, with the bridge as in- and output device
 */
public record Ruleset(boolean inspected, List<Chain> chains, Map<String, NamedSet> sets, boolean bridgeFiltered) {
    public static final Ruleset NOT_INSPECTED = new Ruleset(false, List.of(), Map.of(), false);
    private static final ObjectMapper JSON = new ObjectMapper();

    public Ruleset {
        chains = List.copyOf(chains);
        sets = Map.copyOf(sets);
    }

    public Ruleset(boolean inspected, List<Chain> chains) {
        this(inspected, chains, Map.of(), false);
    }

    /** The same ruleset with the bridge's call into the ip hooks as read from the node. */
    public Ruleset withBridgeFiltered(boolean on) {
        return new Ruleset(inspected, chains, sets, on);
    }

    /** The same ruleset with more chains (iptables-legacy's filter table, {@link IptablesSave}). */
    public Ruleset withChains(List<Chain> more) {
        List<Chain> all = new ArrayList<>(chains);
        all.addAll(more);
        return new Ruleset(inspected, all, sets, bridgeFiltered);
    }

    /** One rule: its handle (0 where the JSON has none) and its expressions, in order. */
    public record Rule(int handle, List<JsonNode> exprs) {
        public Rule {
            exprs = List.copyOf(exprs);
        }
    }

    /**
     * One chain. A base chain has a hook ({@code input}, {@code forward}, ...), a type, a priority and a policy.
     * Each rule's expressions are JSON objects such as {@code {"match": …}}, {@code {"accept": null}}.
     */
    public record Chain(String family, String table, String name, Optional<String> hook, String type, int priority,
            String policy, List<Rule> rules) {
        public Chain {
            rules = List.copyOf(rules);
        }

        public boolean base() {
            return hook.isPresent();
        }

        public String qualified() {
            return family + " " + table + " " + name;
        }
    }

    /**
     * A named set ({@code elements}: values, prefixes, ranges) or map ({@code elements}: {@code [key, data]} pairs,
     * data a verdict for a verdict map).
     */
    public record NamedSet(String family, String table, String name, boolean map, List<JsonNode> elements) {
        public NamedSet {
            elements = List.copyOf(elements);
        }
    }

    /** Parses {@code nft -j list ruleset}; an empty ruleset is an inspected one with no chains. */
    public static Ruleset parse(String nftJson) {
        JsonNode root;
        try {
            root = JSON.readTree(nftJson.isBlank() ? "{\"nftables\":[]}" : nftJson);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not nft's JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.path("nftables").isArray()) {
            throw new IllegalArgumentException("not nft's JSON: no \"nftables\" array");
        }
        Map<String, JsonNode> chains = new java.util.LinkedHashMap<>();
        Map<String, List<Rule>> rules = new java.util.LinkedHashMap<>();
        Map<String, NamedSet> sets = new java.util.LinkedHashMap<>();
        for (JsonNode item : root.path("nftables")) {
            if (item.has("chain")) {
                JsonNode c = item.get("chain");
                String key = key(c.path("family").asText(), c.path("table").asText(), c.path("name").asText());
                rules.putIfAbsent(key, new ArrayList<>());
                chains.put(key, c);
            } else if (item.has("rule")) {
                JsonNode r = item.get("rule");
                String key = key(r.path("family").asText(), r.path("table").asText(), r.path("chain").asText());
                List<JsonNode> exprs = new ArrayList<>();
                r.path("expr").forEach(exprs::add);
                rules.computeIfAbsent(key, k -> new ArrayList<>()).add(new Rule(r.path("handle").asInt(0), exprs));
            } else if (item.has("set") || item.has("map")) {
                boolean map = item.has("map");
                JsonNode s = item.get(map ? "map" : "set");
                List<JsonNode> elements = new ArrayList<>();
                s.path("elem").forEach(elements::add);
                String key = key(s.path("family").asText(), s.path("table").asText(), s.path("name").asText());
                sets.put(key, new NamedSet(s.path("family").asText(), s.path("table").asText(),
                        s.path("name").asText(), map, elements));
            }
        }
        List<Chain> out = new ArrayList<>();
        for (var entry : chains.entrySet()) {
            JsonNode c = entry.getValue();
            out.add(new Chain(c.path("family").asText(), c.path("table").asText(), c.path("name").asText(),
                    c.has("hook") ? Optional.of(c.get("hook").asText()) : Optional.empty(),
                    c.path("type").asText(""), c.path("prio").asInt(0), c.path("policy").asText("accept"),
                    rules.getOrDefault(entry.getKey(), List.of())));
        }
        return new Ruleset(true, out, sets, false);
    }

    private static String key(String family, String table, String name) {
        return family + " " + table + " " + name;
    }

    public Optional<Chain> chain(String family, String table, String name) {
        return chains.stream().filter(c -> c.family().equals(family) && c.table().equals(table)
                && c.name().equals(name)).findFirst();
    }

    static String chainKey(String family, String table, String name) {
        return key(family, table, name);
    }

    public Optional<NamedSet> set(String family, String table, String name) {
        return Optional.ofNullable(sets.get(key(family, table, name)));
    }

    /** The handle of a rule in a chain, for a finding (empty for a rule without one). */
    static OptionalInt handle(Rule rule) {
        return rule.handle() > 0 ? OptionalInt.of(rule.handle()) : OptionalInt.empty();
    }
}
