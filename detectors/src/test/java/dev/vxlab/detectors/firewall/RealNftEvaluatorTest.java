package dev.vxlab.detectors.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.firewall.Evaluator.Outcome;
import dev.vxlab.detectors.firewall.Evaluator.Packet;
import dev.vxlab.detectors.firewall.Evaluator.Verdict;
import dev.vxlab.detectors.testkit.Kernel;
import org.junit.jupiter.api.Test;

/**
 * The evaluator on rulesets the real nft wrote and printed ({@link RealNft}: a throw-away network namespace): the
 * drops are named by table, chain and handle or policy, and a rule it cannot model is "cannot tell", never a guess.
 */
@Kernel
class RealNftEvaluatorTest {
    private static final Ipv4 PEER = Ipv4.parse("172.31.0.3");
    private static final Ipv4 SELF = Ipv4.parse("172.31.0.2");
    private static final Packet VXLAN = Packet.input("eth0", PEER, SELF, "udp", 8472);
    private static final Packet POD_IN = Packet.forward("flannel.1", "cni0", Ipv4.parse("10.244.2.2"),
            Ipv4.parse("10.244.1.2"), "tcp", 80);

    @Test
    void aForwardPolicyDropIsNamedAsThePolicyOfItsChain() {
        Ruleset ruleset = RealNft.load("""
                table ip filter {
                  chain FORWARD { type filter hook forward priority filter; policy drop; }
                }
                """);
        Verdict verdict = Evaluator.evaluate(ruleset, POD_IN);
        assertThat(verdict.outcome()).isEqualTo(Outcome.DROPPED);
        assertThat(verdict.where()).isEqualTo("table ip filter chain FORWARD: policy drop");
        assertThat(verdict.baseChain()).isEqualTo("ip filter FORWARD");
        assertThat(Evaluator.evaluate(ruleset, VXLAN).outcome()).as("input is another hook").isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void aRuleThatDropsTheVxlanPortIsNamedWithItsHandle() {
        Ruleset ruleset = RealNft.load("""
                table inet hardening {
                  chain input { type filter hook input priority filter; policy accept;
                    tcp dport 22 accept
                    udp dport 8472 drop
                  }
                }
                """);
        Verdict verdict = Evaluator.evaluate(ruleset, VXLAN);
        int handle = ruleset.chain("inet", "hardening", "input").orElseThrow().rules().get(1).handle();
        assertThat(handle).isPositive();
        assertThat(verdict.dropped()).isTrue();
        assertThat(verdict.where()).isEqualTo("table inet hardening chain input handle " + handle
                + ": udp dport 8472 drop");
        assertThat(Evaluator.evaluate(ruleset, Packet.input("eth0", PEER, SELF, "udp", 4789)).dropped()).isFalse();
    }

    @Test
    void namedSetsVerdictMapsAndConntrackStateAreFollowed() {
        Ruleset ruleset = RealNft.load("""
                table ip t {
                  set peers { type ipv4_addr; elements = { 172.31.0.3, 172.31.0.4 } }
                  map ports { type inet_service : verdict; elements = { 8472 : jump vx, 22 : accept } }
                  chain vx { ip saddr @peers drop; }
                  chain input { type filter hook input priority 0; policy accept; udp dport vmap @ports; }
                  chain forward { type filter hook forward priority 0; policy drop;
                    ct state vmap { established : accept, related : accept, invalid : drop }
                    ip saddr 10.244.0.0/16 ip daddr != 10.244.9.0/24 accept
                  }
                }
                """);
        assertThat(Evaluator.evaluate(ruleset, VXLAN).where()).contains("chain vx handle").endsWith("ip saddr @peers drop");
        assertThat(Evaluator.evaluate(ruleset, Packet.input("eth0", Ipv4.parse("172.31.0.9"), SELF, "udp", 8472))
                .dropped()).as("not in the set").isFalse();
        assertThat(Evaluator.evaluate(ruleset, POD_IN).dropped()).as("from the pod network").isFalse();
        Packet fromOutside = Packet.forward("eth0", "cni0", Ipv4.parse("192.0.2.1"), Ipv4.parse("10.244.1.2"), "tcp", 80);
        assertThat(Evaluator.evaluate(ruleset, fromOutside).where()).isEqualTo("table ip t chain forward: policy drop");
        assertThat(Evaluator.evaluate(ruleset, fromOutside.withCtState("established")).dropped())
                .as("a reply of an accepted connection").isFalse();
    }

    @Test
    void aRuleItCannotModelIsCannotTellNamingTheRuleAndTheExpression() {
        Ruleset ruleset = RealNft.load("""
                table inet t {
                  chain input { type filter hook input priority 0; policy accept;
                    fib daddr type local udp dport 8472 drop
                  }
                }
                """);
        Verdict verdict = Evaluator.evaluate(ruleset, VXLAN);
        assertThat(verdict.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(verdict.place().orElseThrow().statement()).isEqualTo("fib daddr type local");
        assertThat(verdict.place().orElseThrow().handle()).isPresent();
        assertThat(verdict.where()).startsWith("table inet t chain input handle");
        // A known mismatch in the same rule decides it: the fib lookup does not matter for another port.
        assertThat(Evaluator.evaluate(ruleset, Packet.input("eth0", PEER, SELF, "udp", 4789)).outcome())
                .isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void aPacketCarriesNoMarkUnlessARuleOnItsWaySetsOne() {
        // kube-proxy's drop of what it marked: flannel's packets carry no mark.
        Ruleset kubeProxy = RealNft.load("""
                table ip filter {
                  chain INPUT { type filter hook input priority 0; policy accept;
                    meta mark and 0x8000 == 0x8000 drop
                    ct mark and 0x1 != 0 drop
                  }
                }
                """);
        assertThat(Evaluator.evaluate(kubeProxy, VXLAN).outcome()).isEqualTo(Outcome.ACCEPTED);
        // A rule that sets the mark under a condition the evaluator cannot tell: the later test cannot be told.
        Ruleset marking = RealNft.load("""
                table ip t {
                  chain pre { type filter hook prerouting priority -150; policy accept;
                    fib saddr type local meta mark set 0x8000
                  }
                  chain input { type filter hook input priority 0; policy accept;
                    meta mark and 0x8000 == 0x8000 drop
                  }
                }
                """);
        Verdict verdict = Evaluator.evaluate(marking, VXLAN);
        assertThat(verdict.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(verdict.where()).contains("chain input handle").endsWith("meta mark & 32768 == 32768 drop");
    }

    @Test
    void anUnmodelledRuleThatCannotChangeTheOutcomeDoesNotMakeItUnknown() {
        Ruleset ruleset = RealNft.load("""
                table ip t {
                  chain input { type filter hook input priority 0; policy accept;
                    fib daddr type local limit rate 10/second accept
                  }
                  chain forward { type filter hook forward priority 0; policy drop;
                    fib saddr type local counter
                  }
                }
                """);
        assertThat(Evaluator.evaluate(ruleset, VXLAN).outcome()).as("accepted either way")
                .isEqualTo(Outcome.ACCEPTED);
        assertThat(Evaluator.evaluate(ruleset, POD_IN).outcome()).as("dropped either way").isEqualTo(Outcome.DROPPED);
    }

    @Test
    void aLimitBeforeTheAcceptThatSavesThePacketIsCannotTell() {
        Ruleset ruleset = RealNft.load("""
                table ip t {
                  chain c { udp dport 8472 limit rate 100/second accept; }
                  chain input { type filter hook input priority 0; policy drop; jump c; }
                }
                """);
        Verdict verdict = Evaluator.evaluate(ruleset, VXLAN);
        assertThat(verdict.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(verdict.where()).contains("chain c handle").contains("limit");
    }

    @Test
    void aDropInALaterBaseChainIsFinalAndGotoDoesNotComeBack() {
        Ruleset ruleset = RealNft.load("""
                table ip early {
                  chain input { type filter hook input priority -10; policy accept; udp dport 8472 accept; }
                }
                table inet late {
                  chain skip { return; }
                  chain deny { udp dport 8472 reject; }
                  chain input { type filter hook input priority 10; policy accept; jump skip; goto deny; accept; }
                }
                """);
        Verdict verdict = Evaluator.evaluate(ruleset, VXLAN);
        assertThat(verdict.dropped()).isTrue();
        assertThat(verdict.baseChain()).isEqualTo("inet late input");
        assertThat(verdict.where()).contains("chain deny handle").contains("udp dport 8472 reject");
    }

    @Test
    void sourceNatFindsFlannelsMasqueradeAndNotDockersForItsOwnBridge() {
        Packet leaving = Packet.forward("cni0", "eth0", Ipv4.parse("10.244.1.2"), Ipv4.parse("192.0.2.1"), "tcp", 80);
        Ruleset docker = RealNft.load("""
                table ip nat {
                  chain POSTROUTING { type nat hook postrouting priority srcnat; policy accept;
                    ip saddr 172.17.0.0/16 oifname != "docker0" masquerade
                  }
                }
                """);
        assertThat(Evaluator.sourceNat(docker, leaving)).isEqualTo(Verdict.ACCEPTED);
        Ruleset flannel = RealNft.load("""
                table ip flannel-ipv4 {
                  chain postrtg { type nat hook postrouting priority srcnat; policy accept;
                    ip saddr 10.244.0.0/16 ip daddr 10.244.0.0/16 return
                    ip saddr 10.244.0.0/16 ip daddr != 224.0.0.0/4 masquerade fully-random
                  }
                }
                """);
        Verdict masqueraded = Evaluator.sourceNat(flannel, leaving);
        assertThat(masqueraded.place()).isPresent();
        assertThat(masqueraded.where()).contains("chain postrtg handle").contains("masquerade");
        Packet podToPod = Packet.forward("cni0", "flannel.1", Ipv4.parse("10.244.1.2"), Ipv4.parse("10.244.2.2"),
                "tcp", 80);
        assertThat(Evaluator.sourceNat(flannel, podToPod).place()).as("inside the pod network: returned").isEmpty();
    }
}
