package dev.vxlab.nodedoctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.advertised.NodeListWriter;
import dev.vxlab.detectors.testkit.FlannelNamespace;
import dev.vxlab.detectors.testkit.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node doctor reads the packet filter of a node built by hand (ip, then plain nft, no lab): two flannel nodes in
 * real namespaces, rules on one; the doctor names each drop there by table, chain and handle or policy, stays silent
 * on the other, and its nft fix makes it silent on the first.
 */
@Kernel
class NodeDoctorFirewallKernelTest {
    @TempDir
    Path dir;
    private FlannelNamespace sick;
    private FlannelNamespace healthy;
    private Path nodes;

    @BeforeEach
    void create() throws Exception {
        String prefix = "vxfw" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        sick = FlannelNamespace.create(prefix + "a", 2);
        healthy = FlannelNamespace.create(prefix + "b", 2);
        nodes = Files.writeString(dir.resolve("nodes.json"), NodeListWriter.defaults().write(sick.view().nodes()));
    }

    @AfterEach
    void delete() {
        sick.delete();
        healthy.delete();
    }

    private Runs doctor(FlannelNamespace node, String... more) {
        List<String> argv = new java.util.ArrayList<>(List.of("--netns", node.namespace(), "--node-name",
                node.nodeName(), "--nodes", nodes.toString(), "--nm-config", dir.resolve("nm").toString()));
        argv.addAll(List.of(more));
        return Runs.of(argv.toArray(String[]::new));
    }

    private static void nft(FlannelNamespace node, String script) {
        FlannelNamespace.run(List.of("ip", "netns", "exec", node.namespace(), "nft", "-f", "-"), script);
    }

    @Test
    void namesTheDropsOnTheNodeThatHasThemAndNothingElsewhere() {
        nft(sick, """
                table ip filter {
                  chain FORWARD { type filter hook forward priority filter; policy drop; }
                }
                table inet hardening {
                  chain input { type filter hook input priority filter; policy accept; udp dport 8472 drop; }
                }
                """);
        nft(healthy, """
                table inet ok {
                  chain input { type filter hook input priority filter; policy drop; ct state established accept;
                    udp dport 8472 accept; tcp dport 22 accept; }
                }
                """);

        Runs named = doctor(sick);
        assertThat(named.exit()).as(named.err()).isEqualTo(NodeDoctorRun.FAILED);
        assertThat(named.out()).contains("firewall-drops-vxlan").contains("firewall-drops-pod-forwarding")
                .contains("table inet hardening chain input handle 2: udp dport 8472 drop")
                .contains("table ip filter chain FORWARD: policy drop");

        Runs silent = doctor(healthy, "--json");
        assertThat(silent.exit()).as(silent.out()).isZero();
        assertThat(silent.out()).contains("\"healthy\" : true").doesNotContain("firewall");

        Runs fixed = doctor(sick, "--fix", "--apply");
        assertThat(fixed.out()).contains("applied: nft insert rule inet hardening input udp dport 8472 accept")
                .contains("applied: nft insert rule ip filter FORWARD ip saddr ")
                .contains("doctor after the fix: healthy");
        // The fix's proof sent VXLAN to peers that exist only in the NodeList, so the node's ARP for them failed and
        // the path walk names those underlay neighbors; the filter itself has nothing left to say.
        Runs after = doctor(sick, "--json");
        assertThat(java.util.regex.Pattern.compile("\"fault\" : \"([^\"]+)\"").matcher(after.out()).results()
                .map(m -> m.group(1)).distinct().toList())
                .as("the rules now accept flannel's traffic first: %s", after.out())
                .allMatch(fault -> fault.equals(dev.vxlab.detectors.spi.FaultIds.PATH_BROKEN));
    }

    @Test
    void aRuleItCannotEvaluateIsNamedNotGuessed() {
        nft(sick, """
                table inet hardening {
                  chain input { type filter hook input priority filter; policy accept;
                    fib daddr type local udp dport 8472 drop; }
                }
                """);
        Runs unknown = doctor(sick);
        assertThat(unknown.exit()).isEqualTo(NodeDoctorRun.FAILED);
        assertThat(unknown.out()).contains("firewall-unevaluated").contains("fib")
                .contains("table inet hardening chain input handle 2");
    }

    @Test
    void withIpMasqTheMissingMasqueradeIsNamedAndFlannelsOwnRulesSilenceIt() throws Exception {
        Path env = Files.writeString(dir.resolve("subnet.env"), "FLANNEL_NETWORK=" + sick.self().podCidr().network()
                + "/16\nFLANNEL_SUBNET=" + sick.self().podCidr().network().plus(1) + "/24\nFLANNEL_MTU=1450\n"
                + "FLANNEL_IPMASQ=true\n");
        Runs empty = doctor(sick, "--subnet-env", env.toString());
        assertThat(empty.out()).as("no ruleset at all: nothing masquerades").contains("masquerade-missing");
        nft(sick, """
                table ip nat {
                  chain POSTROUTING { type nat hook postrouting priority srcnat; policy accept;
                    ip saddr 172.17.0.0/16 oifname != "docker0" masquerade; }
                }
                """);
        Runs missing = doctor(sick, "--subnet-env", env.toString());
        assertThat(missing.exit()).as(missing.out()).isEqualTo(NodeDoctorRun.FAILED);
        assertThat(missing.out()).contains("masquerade-missing").contains("no masquerade or snat");

        nft(sick, """
                table ip flannel-ipv4 {
                  chain postrtg { type nat hook postrouting priority srcnat; policy accept;
                    ip saddr %1$s ip daddr %1$s return
                    ip saddr %1$s ip daddr != 224.0.0.0/4 masquerade fully-random; }
                }
                """.formatted(sick.self().podCidr().network() + "/16"));
        Runs masqueraded = doctor(sick, "--subnet-env", env.toString());
        assertThat(masqueraded.exit()).as(masqueraded.out()).isZero();
    }
}
