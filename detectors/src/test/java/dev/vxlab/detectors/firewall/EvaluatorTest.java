package dev.vxlab.detectors.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.firewall.Evaluator.Packet;
import dev.vxlab.detectors.testkit.Firewalls;
import org.junit.jupiter.api.Test;

/** The evaluator against rulesets the real firewalld wrote, and the kernel's rule that any base chain may drop. */
class EvaluatorTest {
    private static final Packet VXLAN = Packet.input("eth0", Ipv4.parse("172.31.0.3"), Ipv4.parse("172.31.0.2"),
            "udp", 8472);
    private static final Packet SSH = Packet.input("eth0", Ipv4.parse("172.31.0.3"), Ipv4.parse("172.31.0.2"),
            "tcp", 22);
    private static final Packet POD_IN = Packet.forward("flannel.1", "cni0", Ipv4.parse("10.244.2.2"),
            Ipv4.parse("10.244.1.2"), "tcp", 80);
    private static final Packet POD_OUT = Packet.forward("cni0", "flannel.1", Ipv4.parse("10.244.1.2"),
            Ipv4.parse("10.244.2.2"), "tcp", 80);

    @Test
    void firewalldsDefaultZoneRejectsVxlanAndForwardedPodTrafficButNotSsh() {
        Ruleset ruleset = Firewalls.FIREWALLD_DEFAULT;
        assertThat(Evaluator.evaluate(ruleset, VXLAN).dropped()).isTrue();
        assertThat(Evaluator.evaluate(ruleset, VXLAN).where()).contains("table inet firewalld chain filter_IN_public handle ")
                .contains("reject");
        assertThat(Evaluator.evaluate(ruleset, SSH).dropped()).isFalse();
        assertThat(Evaluator.evaluate(ruleset, POD_IN).dropped()).isTrue();
        assertThat(Evaluator.evaluate(ruleset, POD_OUT).dropped()).isTrue();
    }

    @Test
    void thePortAndTheTrustedPodNetworkLetFlannelThrough() {
        Ruleset ruleset = Firewalls.FIREWALLD_FLANNEL_ALLOWED;
        assertThat(Evaluator.evaluate(ruleset, VXLAN).dropped()).isFalse();
        assertThat(Evaluator.evaluate(ruleset, POD_IN).dropped()).isFalse();
        assertThat(Evaluator.evaluate(ruleset, POD_OUT).dropped()).isFalse();
        // A source outside the trusted pod network is still rejected when forwarded.
        assertThat(Evaluator.evaluate(ruleset, Packet.forward("eth0", "cni0", Ipv4.parse("192.0.2.9"),
                Ipv4.parse("10.244.1.2"), "tcp", 80)).dropped()).isTrue();
    }

    @Test
    void anAcceptInAnotherTableDoesNotSaveAPacketFromFirewalldsReject() {
        String flannelStyle = """
                {"nftables": [
                 {"chain": {"family": "ip", "table": "filter", "name": "FORWARD", "type": "filter",
                            "hook": "forward", "prio": 0, "policy": "accept"}},
                 {"rule": {"family": "ip", "table": "filter", "chain": "FORWARD", "expr": [
                   {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}},
                              "right": {"prefix": {"addr": "10.244.0.0", "len": 16}}}},
                   {"accept": null}]}}
                ]}""";
        Ruleset alone = Ruleset.parse(flannelStyle);
        assertThat(Evaluator.evaluate(alone, POD_IN).dropped()).isFalse();
        String both = Firewalls.read("firewalld-default.json").replaceFirst("\\{\"nftables\": \\[",
                "{\"nftables\": [" + flannelStyle.substring(flannelStyle.indexOf('[') + 1,
                        flannelStyle.lastIndexOf(']')) + ",");
        assertThat(Evaluator.evaluate(Ruleset.parse(both), POD_IN).dropped()).isTrue();
    }

    @Test
    void anEmptyRulesetDropsNothing() {
        assertThat(Evaluator.evaluate(Ruleset.parse(""), VXLAN).dropped()).isFalse();
        assertThat(Ruleset.parse("").inspected()).isTrue();
    }
}
