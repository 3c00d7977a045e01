package dev.vxlab.detectors.testkit;

import dev.vxlab.detectors.firewall.Ruleset;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Rulesets recorded from the real firewalld 1.3.3 confined to a lab node, and from nft 1.0.6 ({@code nft -j list ruleset}). */
public final class Firewalls {
    /** Debian's default zone, nothing added. */
    public static final Ruleset FIREWALLD_DEFAULT = Ruleset.parse(read("firewalld-default.json"));
    /** After {@code --permanent --add-port=8472/udp}, {@code --zone=trusted --add-source=10.244.0.0/16}, reload. */
    public static final Ruleset FIREWALLD_FLANNEL_ALLOWED = Ruleset.parse(read("firewalld-flannel-allowed.json"));

    /** A container engine's forward policy, as iptables-nft leaves it: {@code table ip filter}, FORWARD, policy drop. */
    public static final Ruleset FORWARD_POLICY_DROP = Ruleset.parse(read("forward-policy-drop.json"));

    private Firewalls() {}

    /**
     * The ruleset with flanneld's own masquerade rules beside it ({@code table ip flannel-ipv4}, as flannel's nftables
     * mode writes them with --ip-masq, recorded for 10.244.0.0/16), for the cluster's pod network: every node of a
     * flannel cluster with FLANNEL_IPMASQ=true has them.
     */
    public static Ruleset withFlannelMasquerade(Ruleset ruleset, dev.vxlab.detectors.addr.Ipv4Prefix network) {
        Ruleset masq = Ruleset.parse(read("flannel-masquerade.json").replace("{\"addr\": \"10.244.0.0\", \"len\": 16}",
                "{\"addr\": \"" + network.network() + "\", \"len\": " + network.length() + "}"));
        return ruleset.withChains(masq.chains());
    }

    /** Docker's masquerade of its own bridge only: a nat table that does nothing for the pod network. */
    public static final Ruleset DOCKER_MASQUERADE_ONLY = Ruleset.parse(read("docker-masquerade-only.json"));

    /** {@code table inet hardening}, chain input (policy accept), {@code udp dport PORT drop} (recorded with 8472). */
    public static Ruleset vxlanPortDrop(int port) {
        return Ruleset.parse(read("vxlan-port-drop.json").replace("\"right\": 8472", "\"right\": " + port));
    }

    public static String read(String name) {
        try (InputStream in = Firewalls.class.getResourceAsStream("/dev/vxlab/detectors/firewall/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
