package dev.vxlab.detectors.fix.builtin;

import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.SubnetEnv;
import dev.vxlab.detectors.fix.Fix;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FixIds;
import java.util.ArrayList;
import java.util.List;

/**
 * firewalld's permanent rules for flannel: VXLAN's UDP port open (default zone), the pod network a source of the
 * trusted zone (so forwarded pod traffic is accepted), then a reload. Permanent, so a reload or restart of firewalld
 * keeps them: the fix that prevents, not only heals. Only where firewalld owns the ruleset.
 */
public final class FirewallAllowFlannel implements Fix {

    @Override
    public String id() {
        return FixIds.FIREWALL_ALLOW_FLANNEL;
    }

    @Override
    public int rank() {
        return CONFIGURATION + 10; // configuration, after NetworkManager's drop-in (ranks are unique)
    }

    @Override
    public String description() {
        return "add firewalld permanent rules for VXLAN's UDP port and the pod network (trusted zone), then reload";
    }

    @Override
    public List<NodeAction> plan(List<Finding> findings, DetectionInput input) {
        boolean firewalld = input.current().firewall().chains().stream()
                .anyMatch(c -> c.family().equals("inet") && c.table().equals("firewalld"));
        if (!firewalld) {
            return List.of();
        }
        List<NodeAction> steps = new ArrayList<>();
        steps.add(NodeAction.Run.of("firewall-cmd", "--permanent", "--add-port=" + input.flannel().port() + "/udp"));
        for (Ipv4Prefix network : podNetworks(input)) {
            steps.add(NodeAction.Run.of("firewall-cmd", "--permanent", "--zone=trusted",
                    "--add-source=" + network.canonical()));
        }
        steps.add(NodeAction.Run.of("firewall-cmd", "--reload"));
        return steps;
    }

    /** The cluster's pod network from subnet.env, else every node's advertised subnet. */
    private static List<Ipv4Prefix> podNetworks(DetectionInput input) {
        return input.subnetEnv().map(SubnetEnv::network).map(List::of)
                .orElseGet(() -> input.advertised().nodes().stream().map(AdvertisedNode::podCidr).toList());
    }
}
