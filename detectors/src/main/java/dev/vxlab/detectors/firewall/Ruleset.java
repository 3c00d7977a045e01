package dev.vxlab.detectors.firewall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A node's nftables ruleset as {@code nft -j list ruleset} prints it: its chains, each with its hook (base chains) and
 * its rules as nft's own JSON expressions. {@link Evaluator} decides what it does to a packet.
 *
 * @param inspected whether anyone read it (a source that reads no firewall leaves it false)
 * @param chains    every chain of every table
 */
public record Ruleset(boolean inspected, List<Chain> chains) {
    public static final Ruleset NOT_INSPECTED = new Ruleset(false, List.of());
    private static final ObjectMapper JSON = new ObjectMapper();

    public Ruleset {
        chains = List.copyOf(chains);
    }

    /**
     * One chain. A base chain has a hook ({@code input}, {@code forward}, ...), a type, a priority and a policy.
     * Each rule is the list of its expressions (JSON objects such as {@code {"match": …}}, {@code {"accept": null}}).
     */
    public record Chain(String family, String table, String name, Optional<String> hook, String type, int priority,
            String policy, List<List<JsonNode>> rules) {
        public Chain {
            rules = rules.stream().map(List::copyOf).toList();
        }

        public boolean base() {
            return hook.isPresent();
        }

        public String qualified() {
            return family + " " + table + " " + name;
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
        Map<String, Chain> chains = new java.util.LinkedHashMap<>();
        Map<String, List<List<JsonNode>>> rules = new java.util.LinkedHashMap<>();
        for (JsonNode item : root.path("nftables")) {
            if (item.has("chain")) {
                JsonNode c = item.get("chain");
                String key = c.path("family").asText() + " " + c.path("table").asText() + " " + c.path("name").asText();
                rules.putIfAbsent(key, new ArrayList<>());
                chains.put(key, new Chain(c.path("family").asText(), c.path("table").asText(), c.path("name").asText(),
                        c.has("hook") ? Optional.of(c.get("hook").asText()) : Optional.empty(),
                        c.path("type").asText(""), c.path("prio").asInt(0), c.path("policy").asText("accept"),
                        List.of()));
            } else if (item.has("rule")) {
                JsonNode r = item.get("rule");
                String key = r.path("family").asText() + " " + r.path("table").asText() + " " + r.path("chain").asText();
                List<JsonNode> exprs = new ArrayList<>();
                r.path("expr").forEach(exprs::add);
                rules.computeIfAbsent(key, k -> new ArrayList<>()).add(exprs);
            }
        }
        List<Chain> out = new ArrayList<>();
        for (var entry : chains.entrySet()) {
            Chain c = entry.getValue();
            out.add(new Chain(c.family(), c.table(), c.name(), c.hook(), c.type(), c.priority(), c.policy(),
                    rules.getOrDefault(entry.getKey(), List.of())));
        }
        return new Ruleset(true, out);
    }

    public Optional<Chain> chain(String family, String table, String name) {
        return chains.stream().filter(c -> c.family().equals(family) && c.table().equals(table)
                && c.name().equals(name)).findFirst();
    }
}
