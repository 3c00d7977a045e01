package dev.vxlab.scenarios.file;

import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.NodePlan;
import dev.vxlab.lab.spec.PodPlan;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How a scenario written for the planned cluster names the same things on the cluster a backend really made: node i
 * is node i (its name, public IP, lease network address and VtepMAC), a pod is the pod of the same name on the same
 * node (its IP), and the DNS Service is the DNS Service. Applied to the file's text in one pass, token by token, so
 * a real address that is also some other planned address is never renamed twice.
 */
public record ClusterRenaming(Map<String, String> tokens) {

    public ClusterRenaming {
        tokens = Map.copyOf(tokens);
    }

    /** The renaming, or a sentence naming what the real cluster lacks. */
    public static ClusterRenaming between(ClusterSpec planned, ClusterSpec real) {
        if (planned.nodes().size() != real.nodes().size()) {
            throw new IllegalArgumentException("the scenario plans " + planned.nodes().size() + " nodes but the "
                    + "cluster has " + real.nodes().size());
        }
        Map<String, String> tokens = new LinkedHashMap<>();
        for (int i = 0; i < planned.nodes().size(); i++) {
            NodePlan p = planned.nodes().get(i);
            NodePlan r = real.nodes().get(i);
            // The field names nodes by their IPs: that token is a node reference first, and a real node's name is
            // one too (ClusterSpec.findNode takes names and public IPs).
            tokens.put(p.publicIp().toString(), p.name().equals(p.publicIp().toString()) ? r.name()
                    : r.publicIp().toString());
            tokens.put(p.name(), r.name());
            tokens.put(p.subnet().network().toString(), r.subnet().network().toString());
            tokens.put(p.vtepMac().toString(), r.vtepMac().toString());
            for (PodPlan pod : planned.podsOn(p.name())) {
                PodPlan match = real.podsOn(r.name()).stream().filter(q -> q.name().equals(pod.name())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("the scenario's pod " + pod.label()
                                + " has no counterpart on node " + r.name() + " of the cluster (pods there: "
                                + real.podsOn(r.name()).stream().map(PodPlan::name).toList() + ")"));
                tokens.put(pod.ip().toString(), match.ip().toString());
            }
        }
        tokens.put(planned.dnsServiceIp().toString(), real.dnsServiceIp().toString());
        tokens.put(planned.serviceNetwork().host(1).toString(), real.serviceNetwork().host(1).toString());
        tokens.entrySet().removeIf(e -> e.getKey().equals(e.getValue()));
        return new ClusterRenaming(tokens);
    }

    /** The text with every planned token replaced, whole tokens only (10.187.1.2 is not part of 10.187.1.24). */
    public String apply(String text) {
        if (tokens.isEmpty()) {
            return text;
        }
        // A MAC ends where no hex digit follows its last colon group; an address may be followed by ":port" or a
        // full stop, but not by another digit group.
        Pattern pattern = Pattern.compile("(?<![0-9A-Za-z.:_-])(?:(" + alternation(true)
                + ")(?![0-9A-Za-z_-]|:[0-9A-Fa-f])|(" + alternation(false) + ")(?![0-9A-Za-z_-]|\\.[0-9]))");
        Matcher matcher = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String token = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            matcher.appendReplacement(out, Matcher.quoteReplacement(tokens.get(token)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** The tokens with (MACs) or without colons, longest first, as a regex alternation (never empty). */
    private String alternation(boolean macs) {
        List<String> keys = tokens.keySet().stream().filter(k -> k.contains(":") == macs)
                .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
                .toList();
        return keys.isEmpty() ? "(?!)" : keys.stream().map(Pattern::quote).collect(Collectors.joining("|"));
    }
}
