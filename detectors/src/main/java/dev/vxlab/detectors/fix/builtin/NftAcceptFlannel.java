package dev.vxlab.detectors.fix.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.SubnetEnv;
import dev.vxlab.detectors.builtin.FirewallDetector;
import dev.vxlab.detectors.firewall.Evaluator;
import dev.vxlab.detectors.firewall.FlannelTraffic;
import dev.vxlab.detectors.firewall.IptablesSave;
import dev.vxlab.detectors.firewall.Ruleset;
import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plain nft rules that let flannel through a filter someone else wrote (a hardening script, a container engine's
 * forward policy): for each base chain that drops VXLAN, {@code nft insert rule FAMILY TABLE CHAIN udp dport PORT
 * accept}; for each that drops forwarded pod traffic, flannel's own forward rules ({@code ip saddr POD_NETWORK accept},
 * {@code ip daddr POD_NETWORK accept}), inserted at the top of that chain. An accept ends one base chain only, so the
 * plan asks the evaluator again with its own rules in place and adds rules to the next chain that drops, until
 * nothing does. In iptables-legacy's filter table the same rules are inserted with its own tool ({@code
 * iptables-legacy -I FORWARD -s POD_NETWORK -j ACCEPT}). A base chain whose verdict the doctor cannot tell (firewall-unevaluated) gets the same rules, so
 * whatever its unmodelled rule does, flannel's packets are accepted before it. firewalld's table is left to {@code firewall-allow-flannel} (a reload would erase these rules).
 */
public final class NftAcceptFlannel implements Fix {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_CHAINS = 16;

    @Override
    public String id() {
        return FixIds.NFT_ACCEPT_FLANNEL;
    }

    @Override
    public int rank() {
        return CONFIGURATION + 15; // configuration, after firewalld's permanent rules, before udev's link file (ranks are unique)
    }

    @Override
    public String description() {
        return "insert nft accept rules for VXLAN's UDP port and the pod network in each base chain that drops them";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        Ruleset ruleset = input.current().firewall();
        List<Ipv4Prefix> networks = podNetworks(input);
        Set<List<String>> commands = new LinkedHashSet<>();
        for (FlannelTraffic.Question q : FirewallDetector.questions(input)) {
            for (int i = 0; i < MAX_CHAINS; i++) {
                Evaluator.Verdict verdict = Evaluator.evaluate(ruleset, q.packet());
                // A rule the doctor cannot tell is decided too: flannel's accept goes before it.
                if (!(verdict.dropped() || verdict.unknown()) || verdict.baseChain().isEmpty()) {
                    break;
                }
                String[] chain = verdict.baseChain().split(" ", 3);
                if (chain[0].equals("inet") && chain[1].equals("firewalld")) {
                    break;
                }
                List<List<String>> matches = q.kind() == FlannelTraffic.Kind.VXLAN
                        ? List.of(List.of("udp", "dport", Integer.toString(input.flannel().port())))
                        : networks.stream().flatMap(n -> List.of(List.of("ip", "saddr", n.canonical().toString()),
                                List.of("ip", "daddr", n.canonical().toString())).stream()).toList();
                java.util.Optional<String> legacy = IptablesSave.tool(chain[1]);
                if (legacy.isPresent() && !IptablesSave.legacyTable(chain[1]).equals("filter")) {
                    break; // a legacy nat chain that drops: not a rule to insert blindly
                }
                for (List<String> match : matches) {
                    List<String> argv;
                    if (legacy.isPresent()) { // iptables-legacy's filter table: its own tool inserts the rule
                        argv = new ArrayList<>(List.of(legacy.get(), "-I", chain[2]));
                        argv.addAll(match.get(0).equals("udp") ? List.of("-p", "udp", "--dport", match.get(2))
                                : List.of(match.get(1).equals("saddr") ? "-s" : "-d", match.get(2)));
                        argv.addAll(List.of("-j", "ACCEPT"));
                    } else {
                        argv = new ArrayList<>(List.of("nft", "insert", "rule", chain[0], chain[1], chain[2]));
                        argv.addAll(match);
                        argv.add("accept");
                    }
                    commands.add(argv);
                    ruleset = inserted(ruleset, chain, match);
                }
            }
        }
        return commands.stream().<NodeAction>map(NodeAction.Run::new).toList();
    }

    /** The ruleset with "MATCH accept" first in the chain, as the command will leave it. */
    private static Ruleset inserted(Ruleset ruleset, String[] chain, List<String> match) {
        JsonNode expr;
        try {
            String left = match.get(0).equals("udp")
                    ? "{\"payload\":{\"protocol\":\"udp\",\"field\":\"dport\"}}"
                    : "{\"payload\":{\"protocol\":\"ip\",\"field\":\"" + match.get(1) + "\"}}";
            String right = match.get(0).equals("udp") ? match.get(2)
                    : "{\"prefix\":{\"addr\":\"" + match.get(2).split("/")[0] + "\",\"len\":"
                            + match.get(2).split("/")[1] + "}}";
            expr = JSON.readTree("{\"match\":{\"op\":\"==\",\"left\":" + left + ",\"right\":" + right + "}}");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        List<Ruleset.Chain> chains = new ArrayList<>();
        for (Ruleset.Chain c : ruleset.chains()) {
            if (c.family().equals(chain[0]) && c.table().equals(chain[1]) && c.name().equals(chain[2])) {
                List<Ruleset.Rule> rules = new ArrayList<>();
                rules.add(new Ruleset.Rule(0, List.of(expr, JSON.createObjectNode().putNull("accept"))));
                rules.addAll(c.rules());
                c = new Ruleset.Chain(c.family(), c.table(), c.name(), c.hook(), c.type(), c.priority(), c.policy(),
                        rules);
            }
            chains.add(c);
        }
        return new Ruleset(ruleset.inspected(), chains, Map.copyOf(ruleset.sets()), ruleset.bridgeFiltered());
    }

    /** The cluster's pod network from subnet.env, else every node's advertised subnet. */
    private static List<Ipv4Prefix> podNetworks(DetectionInput input) {
        return input.subnetEnv().map(SubnetEnv::network).map(List::of)
                .orElseGet(() -> input.advertised().nodes().stream().map(AdvertisedNode::podCidr).toList());
    }
}
