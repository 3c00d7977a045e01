package dev.vxlab.scenarios.property;

import static dev.vxlab.detectors.model.Verdict.Cause.*;

import dev.vxlab.detectors.model.Exchange;
import dev.vxlab.detectors.model.Hop;
import dev.vxlab.detectors.model.Trace;
import dev.vxlab.detectors.model.Verdict;
import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.spi.Finding;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * When a finding accounts for a broken path: the finding is on a node the failing conversation went through (a pod
 * counts as its node), and its fault is one that makes the kernel drop packets the way the model says this one was
 * dropped. The table is the fault ids' own definitions: a MAC that drifted makes frames otherhost, a missing neighbor
 * leaves nothing to resolve, and so on; a fault that takes a device's address or the device itself away makes the
 * kernel forget every route through it, so it accounts for what a missing route does too.
 *
 * <p>Three bounds keep the table from explaining by accident: a wrong peer route accounts only for route-shaped drops
 * ({@link #ROUTING}); a conversation that fails without a drop (a packet delivered to another namespace than the one
 * waiting for it) is what routes and addresses decide, so only a fault that accounts for every routing drop explains
 * it; and a fault id the table does not know explains nothing (add it to the table with its causes).
 */
final class Explanations {
    private static final Set<Verdict.Cause> ROUTING = EnumSet.of(NO_ROUTE, NO_SOURCE, BROADCAST, OUTSIDE_MODEL,
            SOURCE_REJECTED, LOOP, NO_NEIGHBOR);
    private static final Map<String, Set<Verdict.Cause>> CAUSES = Map.ofEntries(
            Map.entry(FaultIds.VTEP_MAC_DRIFT, EnumSet.of(OTHERHOST)),
            Map.entry(FaultIds.STALE_PEER_VTEP_MAC, EnumSet.of(OTHERHOST, NO_FDB)),
            Map.entry(FaultIds.OTHERHOST_DROPS, EnumSet.of(OTHERHOST)),
            Map.entry(FaultIds.MISSING_PEER_ROUTE, ROUTING),
            Map.entry(FaultIds.WRONG_PEER_ROUTE, ROUTING),
            Map.entry(FaultIds.MISSING_PEER_NEIGHBOR, EnumSet.of(NO_NEIGHBOR)),
            Map.entry(FaultIds.MISSING_PEER_FDB, EnumSet.of(NO_FDB)),
            Map.entry(FaultIds.WRONG_PEER_FDB_DST, EnumSet.of(OTHERHOST, NO_VTEP, OUTSIDE_MODEL)),
            Map.entry(FaultIds.VTEP_ADDRESS_MISSING, ROUTING),
            Map.entry(FaultIds.BRIDGE_ADDRESS_MISSING, ROUTING),
            Map.entry(FaultIds.VTEP_LINK_DOWN, union(ROUTING, EnumSet.of(LINK_DOWN, NO_CARRIER, NO_VTEP))),
            Map.entry(FaultIds.BRIDGE_LINK_DOWN, union(ROUTING, EnumSet.of(LINK_DOWN, NO_CARRIER, NO_L2_DESTINATION))),
            Map.entry(FaultIds.VXLAN_DEVICE_MISSING, union(ROUTING, EnumSet.of(NO_VTEP))),
            Map.entry(FaultIds.VXLAN_CONFIG_MISMATCH, EnumSet.of(NO_VTEP, NO_FDB, NO_NEIGHBOR, OTHERHOST,
                    OUTSIDE_MODEL)),
            Map.entry(FaultIds.MTU_MISMATCH, EnumSet.of(TOO_BIG, FRAME_TOO_BIG)),
            // A veth off the bridge is a plain device with its own MAC: frames to cni0's MAC end there as otherhost.
            Map.entry(FaultIds.BRIDGE_PORT_DETACHED, EnumSet.of(NO_L2_DESTINATION, NO_NEIGHBOR, NO_CARRIER, OTHERHOST)),
            Map.entry(FaultIds.IP_FORWARD_DISABLED, EnumSet.of(FORWARDING_OFF)),
            Map.entry(FaultIds.RP_FILTER_STRICT, EnumSet.of(SOURCE_REJECTED)),
            Map.entry(FaultIds.NM_MANAGES_CNI_DEVICES, EnumSet.noneOf(Verdict.Cause.class)),
            // The walk dies where the kernel would: a lookup, a device's state, a neighbor, the FDB, forwarding.
            Map.entry(FaultIds.PATH_BROKEN, union(ROUTING, EnumSet.of(LINK_DOWN, NO_CARRIER, NO_FDB, FILTERED,
                    FORWARDING_OFF))),
            // The underlay: an address the node no longer has leaves the peers' VXLAN unanswered (their ARP for it
            // fails, or the walk leaves the model); a missing underlay or default route is a routing drop.
            // A frame for the vanished address still reaches the renumbered node (the peers' neighbor entries keep its
            // MAC), which forwards it on and so drops it wherever forwarding dies there: a forward filter left by an
            // earlier fault's fix (Docker's FORWARD drop with flannel's accepts, healthy for flannel), forwarding off.
            Map.entry(FaultIds.UNDERLAY_ADDRESS_MISSING, union(ROUTING, EnumSet.of(NO_VTEP, FILTERED, FORWARDING_OFF))),
            Map.entry(FaultIds.UNDERLAY_NO_CARRIER, union(ROUTING, EnumSet.of(NO_CARRIER, LINK_DOWN))),
            Map.entry(FaultIds.UNDERLAY_ROUTE_MISSING, ROUTING),
            Map.entry(FaultIds.DEFAULT_ROUTE_MISSING, ROUTING),
            // Two VTEPs with one MAC: frames between them are loops to the kernel, the others' go to the wrong one.
            Map.entry(FaultIds.DUPLICATE_VTEP_MAC, EnumSet.of(OWN_SOURCE_MAC, OTHERHOST, NO_FDB)),
            Map.entry(FaultIds.FIREWALL_DROPS_VXLAN, EnumSet.of(FILTERED)),
            Map.entry(FaultIds.FIREWALL_DROPS_POD_FORWARDING, EnumSet.of(FILTERED)),
            // The model takes a verdict it cannot tell as passing; a drop the kernel then makes is the filter's.
            Map.entry(FaultIds.FIREWALL_UNEVALUATED, EnumSet.of(FILTERED)));

    private Explanations() {}

    private static Set<Verdict.Cause> union(Set<Verdict.Cause> a, Set<Verdict.Cause> b) {
        EnumSet<Verdict.Cause> out = EnumSet.copyOf(a);
        out.addAll(b);
        return out;
    }

    /** The causes a fault id accounts for (none for an id this table does not know). */
    static Set<Verdict.Cause> causes(String faultId) {
        return CAUSES.getOrDefault(faultId, EnumSet.noneOf(Verdict.Cause.class));
    }

    /**
     * Whether a fault can make a conversation fail without any drop, a packet delivered to another namespace than the
     * one waiting for it: what a changed route or a lost address does, so the faults that account for every routing
     * drop (missing or wrong peer routes, lost addresses, devices down or gone).
     */
    static boolean misdirects(String faultId) {
        return causes(faultId).containsAll(ROUTING);
    }

    /** Every node the conversation's packets passed through, pods counted as their node. */
    static Set<String> nodesOnPath(Exchange exchange) {
        Set<String> nodes = new TreeSet<>();
        for (Trace t : exchange.packets()) {
            nodes.add(nodeOf(t.origin()));
            for (Hop hop : t.hops()) {
                nodes.add(nodeOf(hop.node()));
            }
            nodes.add(nodeOf(t.verdict().node()));
        }
        return nodes;
    }

    private static String nodeOf(String namespace) {
        int at = namespace.indexOf('@');
        return at < 0 ? namespace : namespace.substring(at + 1);
    }

    /** The drop that ends a failed conversation, if the model has one. */
    static Optional<Verdict.Dropped> drop(Exchange exchange) {
        return exchange.last().verdict() instanceof Verdict.Dropped d ? Optional.of(d) : Optional.empty();
    }

    /** The findings that account for the failed conversation (empty: nothing explains it). */
    static List<Finding> explaining(Exchange exchange, List<Finding> findings) {
        return explaining(exchange, findings, Optional.empty());
    }

    /**
     * As {@link #explaining(Exchange, List)}, with the node the conversation was addressed to counted as on its path:
     * a node whose underlay address its peers can no longer reach (renumbered) is on no packet's way, yet its own
     * finding is what accounts for the drop.
     */
    static List<Finding> explaining(Exchange exchange, List<Finding> findings, Optional<String> addressedTo) {
        Optional<Verdict.Dropped> drop = drop(exchange);
        Set<String> path = nodesOnPath(exchange);
        addressedTo.ifPresent(path::add);
        return findings.stream()
                .filter(f -> f.severity().impairsTraffic())
                .filter(f -> path.contains(f.node()))
                .filter(f -> drop.isPresent() ? causes(f.fault()).contains(drop.get().cause()) : misdirects(f.fault()))
                .toList();
    }
}
