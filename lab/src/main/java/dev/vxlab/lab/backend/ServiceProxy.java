package dev.vxlab.lab.backend;

import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.PodPlan;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * kube-proxy's part of the lab: the DNS Service IP DNATed to the CoreDNS pods (round robin), from pods (prerouting)
 * and from the node itself (output), masqueraded where the client is outside the pod network. Every backend installs
 * the same table, {@code ip vxlab-services}, on every node.
 */
public final class ServiceProxy {
    private ServiceProxy() {}

    /** The nftables script for this cluster, or empty when it has no DNS pods. */
    public static Optional<String> rules(ClusterSpec spec) {
        List<PodPlan> dns = spec.dnsPods();
        if (dns.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder map = new StringBuilder();
        for (int i = 0; i < dns.size(); i++) {
            map.append(i == 0 ? "" : ", ").append(i).append(" : ").append(dns.get(i).ip());
        }
        String match = "ip daddr " + spec.dnsServiceIp() + " meta l4proto { tcp, udp } th dport { 53, 9153 } "
                + "dnat to numgen inc mod " + dns.size() + " map { " + map + " }";
        return Optional.of("""
                table ip vxlab-services {
                  chain prerouting { type nat hook prerouting priority dstnat; policy accept; %s; }
                  chain output { type nat hook output priority -100; policy accept; %s; }
                  chain postrouting { type nat hook postrouting priority srcnat; policy accept; ct status dnat ip saddr != %s masquerade; }
                }
                """.formatted(match, match, spec.podNetwork()));
    }

    /** Installs the rules on a node with {@code nft -f -} through its remote (nothing when there are no DNS pods). */
    public static void install(ClusterSpec spec, Remote node, Duration timeout) throws LabException {
        Optional<String> rules = rules(spec);
        if (rules.isEmpty()) {
            return;
        }
        CommandResult result = node.run(Command.of("nft", "-f", "-").withStdin(rules.get()).withTimeout(timeout));
        if (!result.ok()) {
            throw new LabException("cannot install the DNS Service rules on node " + node.name() + ": "
                    + result.stderr().strip());
        }
    }
}
