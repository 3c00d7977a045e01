package dev.vxlab.detectors.fix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.firewall.Evaluator;
import dev.vxlab.detectors.firewall.Ruleset;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.FixIds;
import dev.vxlab.detectors.testkit.ClusterPlan;
import dev.vxlab.detectors.testkit.Firewalls;
import dev.vxlab.detectors.testkit.HealthyNodes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nft fix: accept rules at the top of each base chain that drops flannel's packets, as typed on the node. */
class NftAcceptFlannelTest {
    private final HealthyNodes field = HealthyNodes.of(ClusterPlan.field(3));

    private List<String> plan(Ruleset ruleset) {
        DetectionInput input = field.input("kylin-20", field.state("kylin-20").withFirewall(
                Firewalls.withFlannelMasquerade(ruleset, dev.vxlab.detectors.addr.Ipv4Prefix.parse("10.187.0.0/16"))));
        List<FixPlan> plans = FixPlanner.load().plan(Doctor.load().examine(input), input);
        assertThat(plans).extracting(FixPlan::fix).containsExactly(FixIds.NFT_ACCEPT_FLANNEL);
        return plans.getFirst().steps().stream().map(s -> s.render("kylin-20")).toList();
    }

    @Test
    void aForwardPolicyDropGetsFlannelsForwardRules() {
        assertThat(plan(Firewalls.FORWARD_POLICY_DROP)).containsExactly(
                "nft insert rule ip filter FORWARD ip saddr 10.187.0.0/16 accept",
                "nft insert rule ip filter FORWARD ip daddr 10.187.0.0/16 accept");
    }

    @Test
    void aDroppedVxlanPortIsAcceptedFirstInItsChain() {
        assertThat(plan(Firewalls.vxlanPortDrop(8472)))
                .containsExactly("nft insert rule inet hardening input udp dport 8472 accept");
    }

    @Test
    void everyBaseChainThatDropsGetsItsRules() {
        String forward = Firewalls.read("forward-policy-drop.json").strip();
        String vxlan = Firewalls.read("vxlan-port-drop.json").strip();
        String both = forward.substring(0, forward.length() - 2) + ", "
                + vxlan.substring(vxlan.indexOf("{\"table\""));
        Ruleset ruleset = Ruleset.parse(both);
        assertThat(Evaluator.evaluate(ruleset, Evaluator.Packet.input("eth0", dev.vxlab.detectors.addr.Ipv4.parse(
                "172.31.159.19"), dev.vxlab.detectors.addr.Ipv4.parse("172.31.159.20"), "udp", 8472)).dropped()).isTrue();
        assertThat(plan(ruleset)).containsExactly(
                "nft insert rule inet hardening input udp dport 8472 accept",
                "nft insert rule ip filter FORWARD ip saddr 10.187.0.0/16 accept",
                "nft insert rule ip filter FORWARD ip daddr 10.187.0.0/16 accept");
    }

    @Test
    void iptablesLegacysForwardDropGetsTheSameRulesThroughItsOwnTool() {
        Ruleset legacy = Ruleset.parse("").withChains(dev.vxlab.detectors.firewall.IptablesSave.parse("""
                *filter
                :INPUT ACCEPT [0:0]
                :FORWARD DROP [0:0]
                COMMIT
                """, "iptables-legacy"));
        assertThat(plan(legacy)).containsExactly("iptables-legacy -I FORWARD -s 10.187.0.0/16 -j ACCEPT",
                "iptables-legacy -I FORWARD -d 10.187.0.0/16 -j ACCEPT");
    }
}
