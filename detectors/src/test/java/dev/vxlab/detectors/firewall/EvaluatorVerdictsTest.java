package dev.vxlab.detectors.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.firewall.Evaluator.Packet;
import dev.vxlab.detectors.testkit.Firewalls;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Remembered verdicts are the evaluator's own: a ruleset that matches on addresses (firewalld's trusted pod network)
 * still tells sources apart, whatever order the packets come in, and one that does not answers alike for all.
 */
class EvaluatorVerdictsTest {

    private static List<Packet> packets() {
        List<Packet> out = new ArrayList<>();
        for (String src : List.of("10.244.2.2", "192.0.2.9", "10.244.3.2", "198.51.100.4")) {
            out.add(Packet.forward("eth0", "cni0", Ipv4.parse(src), Ipv4.parse("10.244.1.2"), "tcp", 80));
            out.add(Packet.forward("cni0", "flannel.1", Ipv4.parse("10.244.1.2"), Ipv4.parse(src), "tcp", 80));
            out.add(Packet.input("eth0", Ipv4.parse(src), Ipv4.parse("172.31.0.2"), "udp", 8472));
            out.add(Packet.input("eth0", Ipv4.parse(src), Ipv4.parse("172.31.0.2"), "tcp", 22));
            Ipv4 both = Ipv4.parse(src); // one object as source and destination: its tests cannot be told apart
            out.add(Packet.forward("eth0", "cni0", both, both, "tcp", 80));
        }
        return out;
    }

    @Test
    void everyRulesetAnswersAsTheEvaluatorDoesPacketByPacket() {
        for (Ruleset ruleset : List.of(Firewalls.FIREWALLD_FLANNEL_ALLOWED, Firewalls.FIREWALLD_DEFAULT,
                Firewalls.FORWARD_POLICY_DROP, Firewalls.vxlanPortDrop(8472))) {
            Evaluator.Verdicts verdicts = new Evaluator.Verdicts(ruleset);
            List<Packet> packets = packets();
            for (int round = 0; round < 2; round++) {
                for (Packet p : packets) {
                    assertThat(verdicts.of(p)).as(p.describe()).isEqualTo(Evaluator.evaluate(ruleset, p));
                }
                packets = packets.reversed();
            }
        }
    }

    @Test
    void aVerdictServesEveryPacketAnsweringItsAddressTestsAlike() {
        // firewalld's trusted zone tests the source against the pod network: every underlay source answers "no".
        Evaluator.Verdicts verdicts = new Evaluator.Verdicts(Firewalls.FIREWALLD_FLANNEL_ALLOWED);
        for (int i = 1; i < 300; i++) {
            Packet vxlan = Packet.input("eth0", new Ipv4(Ipv4.parse("172.31.0.0").bits() + i), Ipv4.parse("172.31.0.2"),
                    "udp", 8472);
            assertThat(verdicts.of(vxlan)).isEqualTo(Evaluator.evaluate(Firewalls.FIREWALLD_FLANNEL_ALLOWED, vxlan));
        }
    }

    @Test
    void theTrustedPodNetworkStillSeparatesSources() {
        Evaluator.Verdicts verdicts = new Evaluator.Verdicts(Firewalls.FIREWALLD_FLANNEL_ALLOWED);
        Packet trusted = Packet.forward("eth0", "cni0", Ipv4.parse("10.244.2.2"), Ipv4.parse("10.244.1.2"), "tcp", 80);
        Packet outside = trusted.withAddresses(Ipv4.parse("192.0.2.9"), Ipv4.parse("10.244.1.2"));
        assertThat(verdicts.of(trusted).dropped()).isFalse();
        assertThat(verdicts.of(outside).dropped()).isTrue();
        assertThat(verdicts.of(trusted).dropped()).isFalse();
    }
}
