package dev.vxlab.scenarios.property;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * 1 to 3 random {@link UnlistedChange}s on random nodes, at most one of each kind per node (two would fight over the
 * same rule priority, table or chain). Breaking and harmless variants are drawn alike: the property only asks for a
 * finding where a probe fails.
 */
public final class UnlistedChangeGenerator {
    public static final int MAX_CHANGES = 3;
    private static final List<String> RULE_TYPES = List.of("blackhole", "unreachable", "prohibit");
    private static final List<String> SYSCTLS = List.of(
            "net.ipv4.conf.eth0.rp_filter=1", // strict on the underlay: flannel's paths are symmetric (harmless)
            "net.ipv4.conf.eth0.arp_filter=1", // harmless with one address per device
            "net.ipv4.conf.eth0.disable_xfrm=1", // no IPsec here: harmless
            "net.ipv4.conf.flannel/1.disable_policy=1", // harmless
            "net.ipv4.conf.all.accept_local=1", // harmless
            "net.ipv4.conf.cni0.forwarding=0", // the bridge stops forwarding what pods send: breaks their egress
            "net.ipv4.conf.flannel/1.forwarding=0"); // packets from the overlay are no longer forwarded to pods

    private UnlistedChangeGenerator() {}

    public static List<UnlistedChange> next(Rng rng, ClusterShape shape) {
        int wanted = rng.between(1, MAX_CHANGES);
        List<UnlistedChange> changes = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (int tries = 0; changes.size() < wanted && tries < 50; tries++) {
            UnlistedChange c = change(rng, shape.nodes());
            if (taken.add(c.kind() + "@" + c.node())) {
                changes.add(c);
            }
        }
        return changes;
    }

    /** Seed s: the shape from s / perShape (consecutive seeds share a cluster), the changes from s itself. */
    public static Generator<UnlistedCase> cases(int perShape) {
        return rng -> {
            ClusterShape shape = ClusterShape.generator().next(Rng.of(Math.floorDiv(rng.seed(), perShape)));
            return new UnlistedCase(shape, next(rng, shape));
        };
    }

    static UnlistedChange change(Rng rng, int nodes) {
        String kind = rng.pick(UnlistedChange.KINDS);
        int node = rng.between(0, nodes - 1);
        Map<String, String> p = new LinkedHashMap<>();
        if (UnlistedChange.WITH_PEER.contains(kind)) {
            int other = rng.between(0, nodes - 2);
            p.put("peer", Integer.toString(other >= node ? other + 1 : other));
        }
        switch (kind) {
            case "rule-table" -> {
                p.put("target", rng.pick(List.of("pods", "underlay")));
                p.put("type", rng.pick(List.of("blackhole", "unreachable", "prohibit", "throw")));
            }
            case "rule-action" -> {
                p.put("target", rng.pick(List.of("pods", "underlay")));
                p.put("direction", rng.pick(List.of("to", "from")));
                p.put("type", rng.pick(RULE_TYPES));
            }
            case "sysctl" -> p.put("what", rng.pick(SYSCTLS));
            case "nft" -> {
                String hook = rng.pick(List.of("input", "forward"));
                p.put("hook", hook);
                // Not peer-pods-from on input: it drops only the replies to this node's own connections to the
                // peer's pods, and judging a reply needs connection tracking the filter evaluator does not model
                // (docs/properties.md, "Excluded").
                p.put("match", rng.pick(hook.equals("input") ? List.of("vxlan", "peer-pods-to", "peer-underlay",
                        "other-port") : List.of("vxlan", "peer-pods-to", "peer-pods-from", "peer-underlay",
                        "other-port")));
            }
            case "link" -> p.put("what", rng.pick(List.of("veth-down", "cni0-promisc", "spare-veth")));
            default -> { } // rule-marked, host-route, neigh
        }
        return new UnlistedChange(kind, node, p);
    }
}
