package dev.vxlab.detectors.builtin;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.firewall.Evaluator;
import dev.vxlab.detectors.firewall.FlannelTraffic;
import dev.vxlab.detectors.firewall.FlannelTraffic.Kind;
import dev.vxlab.detectors.firewall.FlannelTraffic.Question;
import dev.vxlab.detectors.firewall.Ruleset;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Detector;
import dev.vxlab.detectors.spi.StatePart;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Emits {@code firewall-drops-vxlan}, {@code firewall-drops-pod-forwarding} and {@code firewall-unevaluated}: the
 * node's nftables ruleset (read beside the snapshot; iptables-nft's tables are nftables tables) is asked what it does
 * to flannel's traffic, packet by packet ({@link FlannelTraffic}, {@link Evaluator}). A drop names the table, chain and
 * rule handle (or the policy) and the packet; a rule the evaluator cannot tell is named instead of guessed. The fix is
 * firewalld's permanent rules where firewalld's table drops, else nft accept rules in the chain that drops.
 */
public final class FirewallDetector implements Detector {

    @Override
    public String name() {
        return "firewall";
    }

    @Override
    public List<Finding> examine(DetectionInput in) {
        Ruleset ruleset = in.current().firewall();
        if (!ruleset.inspected()) {
            return List.of();
        }
        AdvertisedNode self = in.self();
        String vtep = in.flannel().vtepDevice();
        String bridge = in.flannel().bridgeDevice();
        List<Finding> out = new ArrayList<>();
        Set<Kind> reported = EnumSet.noneOf(Kind.class);
        boolean unevaluated = false;
        Evaluator.Verdicts verdicts = new Evaluator.Verdicts(ruleset); // one VXLAN question per peer: mostly alike
        // An empty ruleset drops nothing, and masquerades nothing either (checked below).
        for (Question q : ruleset.chains().isEmpty() ? List.<Question>of() : questions(in)) {
            if (reported.contains(q.kind())) {
                continue;
            }
            Evaluator.Verdict verdict = verdicts.of(q.packet());
            if (verdict.dropped()) {
                reported.add(q.kind());
                boolean firewalld = verdict.place().map(p -> p.family().equals("inet") && p.table().equals("firewalld"))
                        .orElse(false);
                String fix = firewalld ? FixIds.FIREWALL_ALLOW_FLANNEL : FixIds.NFT_ACCEPT_FLANNEL;
                String actual = q.packet().describe() + " dropped by " + verdict.where();
                out.add(q.kind() == Kind.VXLAN
                        ? Catalog.FIREWALL_DROPS_VXLAN.withFixes(fix).finding(in, Finding.NODE_WIDE,
                                "VXLAN (udp/" + in.flannel().port() + ") from every peer accepted", actual,
                                "the firewall on " + self.publicIp() + " drops VXLAN from "
                                        + q.packet().saddr() + " (" + verdict.where()
                                        + "): no cross-node pod traffic reaches this node")
                        : Catalog.FIREWALL_DROPS_POD_FORWARDING.withFixes(fix).finding(in, Finding.NODE_WIDE,
                                "pod traffic forwarded between " + vtep + " and " + bridge + " accepted", actual,
                                "the firewall on " + self.publicIp() + " drops pod traffic forwarded from "
                                        + q.packet().iif() + " to " + q.packet().oif() + " (" + verdict.where()
                                        + "): pods here and elsewhere cannot talk"));
            } else if (verdict.unknown() && !unevaluated) {
                unevaluated = true;
                var place = verdict.place().orElseThrow();
                boolean firewalld = place.family().equals("inet") && place.table().equals("firewalld");
                out.add(Catalog.FIREWALL_UNEVALUATED.withFixes(firewalld ? FixIds.FIREWALL_ALLOW_FLANNEL
                        : FixIds.NFT_ACCEPT_FLANNEL).finding(in, Finding.NODE_WIDE,
                        "every rule on flannel's path evaluated",
                        "cannot tell what " + q.packet().describe() + " meets at " + place.describe()
                                + " (not modelled: " + place.statement() + ")",
                        "the doctor cannot tell whether the firewall on " + self.publicIp() + " passes "
                                + (q.kind() == Kind.VXLAN ? "VXLAN" : "forwarded pod traffic") + ": read table "
                                + place.family() + " " + place.table() + " chain " + place.chain()
                                + place.handle().stream().mapToObj(h -> " handle " + h).findFirst().orElse("")
                                + " by hand (nft -a list chain " + place.family() + " " + place.table() + " "
                                + place.chain() + ")"));
            }
        }
        if (in.subnetEnv().map(env -> env.ipMasq()).orElse(false)) {
            masquerade(in, ruleset, unevaluated).ifPresent(out::add);
        }
        return out;
    }

    /**
     * FLANNEL_IPMASQ=true: a pod's connection to an address outside the pod network, leaving through the underlay,
     * must meet a masquerade (or snat) in a nat postrouting chain, as flanneld's own rules do ({@code ip saddr NETWORK
     * ip daddr != 224.0.0.0/4 masquerade}).
     */
    private static java.util.Optional<Finding> masquerade(DetectionInput in, Ruleset ruleset, boolean unevaluated) {
        var network = in.subnetEnv().orElseThrow().network();
        Ipv4 outside = java.util.stream.Stream.of("192.0.2.1", "198.51.100.1", "203.0.113.1").map(Ipv4::parse)
                .filter(a -> !network.contains(a)).findFirst().orElseThrow();
        Evaluator.Packet leaving = Evaluator.Packet.forward(in.flannel().bridgeDevice(), underlay(in),
                host(in.self(), 2), outside, "tcp", FlannelTraffic.POD_PORT);
        Evaluator.Verdict verdict = Evaluator.sourceNat(ruleset, leaving);
        if (verdict.outcome() == Evaluator.Outcome.ACCEPTED && verdict.place().isEmpty()) {
            return java.util.Optional.of(Catalog.MASQUERADE_MISSING.finding(in, Finding.NODE_WIDE,
                    "pod traffic leaving " + network.canonical() + " masqueraded (FLANNEL_IPMASQ=true)",
                    leaving.describe() + " leaves with its pod source: no masquerade or snat in any nat postrouting"
                            + " chain",
                    "nothing masquerades pod traffic leaving the pod network on " + in.self().publicIp()
                            + " though flannel runs with ip-masq: pods here reach nothing outside the cluster"));
        }
        if (verdict.unknown() && !unevaluated) {
            var place = verdict.place().orElseThrow();
            return java.util.Optional.of(Catalog.FIREWALL_UNEVALUATED.withFixes(FixIds.FLANNEL_RESYNC)
                    .finding(in, Finding.NODE_WIDE, "every rule on flannel's path evaluated",
                            "cannot tell whether " + leaving.describe() + " is masqueraded at " + place.describe()
                                    + " (not modelled: " + place.statement() + ")",
                            "the doctor cannot tell whether pod traffic leaving the pod network is masqueraded on "
                                    + in.self().publicIp() + ": read table " + place.family() + " " + place.table()
                                    + " chain " + place.chain() + " by hand"));
        }
        return java.util.Optional.empty();
    }

    /** The packets flannel needs this node's filter to pass. */
    public static List<Question> questions(DetectionInput in) {
        AdvertisedNode self = in.self();
        String underlay = underlay(in);
        List<AdvertisedNode> peers = in.advertised().nodes().stream().filter(n -> !n.name().equals(self.name()))
                .toList();
        Ipv4 remotePod = peers.isEmpty() ? null : host(peers.getFirst(), 2);
        return FlannelTraffic.of(underlay, self.publicIp(), peers.stream().map(AdvertisedNode::publicIp).toList(),
                in.flannel().port(), in.flannel().vtepDevice(), in.flannel().bridgeDevice(), host(self, 2), remotePod,
                in.current().firewall().bridgeFiltered());
    }

    /** The device holding the node's public IP (eth0 when none does). */
    private static String underlay(DetectionInput in) {
        return in.current().addresses().stream().filter(a -> a.prefix().address().equals(in.self().publicIp()))
                .map(a -> a.link().name()).findFirst().orElse("eth0");
    }

    private static Ipv4 host(AdvertisedNode node, int n) {
        return new Ipv4(node.podCidr().network().bits() + n);
    }

    @Override
    public java.util.Set<StatePart> reads() { return java.util.EnumSet.of(StatePart.LINKS, StatePart.ADDRESSES, StatePart.ROUTES, StatePart.FIREWALL); }
}
