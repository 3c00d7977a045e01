package dev.vxlab.detectors.cluster;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.cluster.ClusterReport.Drift;
import dev.vxlab.detectors.cluster.ClusterReport.Duplicate;
import dev.vxlab.detectors.cluster.ClusterReport.FixStep;
import dev.vxlab.detectors.cluster.ClusterReport.StaleHolder;
import dev.vxlab.detectors.spi.FixIds;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Correlates every node's observation with what flannel published. Pure: no I/O, the same answer for the same input.
 *
 * <p>Who is wrong when two nodes disagree: a node whose device MAC is not the VtepMAC it published DRIFTED (the field
 * bug); its peers hold the published MAC because that is what flannel programs, so they are merely stale and need
 * nothing of their own. A peer holding a MAC that is neither the owner's device MAC nor its publication missed a
 * publication by itself. Hence the fix order: re-sync every drifted node first (flanneld re-publishes and every peer
 * re-programs from the new publication; re-syncing a peer first would only re-learn the stale MAC), then give nodes
 * sharing one VtepMAC their own (all but the first by name), then re-program the peers that were stale on their own.
 * Shared public IPs and addresses are named; no node-local fix is offered for them.
 */
public final class ClusterCorrelation {
    private ClusterCorrelation() {}

    public static ClusterReport correlate(ClusterView published, List<NodeObservation> observations) {
        Map<String, NodeObservation> seen = new TreeMap<>();
        for (NodeObservation o : observations) {
            if (published.byName(o.node()).isEmpty()) {
                throw new IllegalArgumentException("node '" + o.node() + "' was observed but is not in the NodeList");
            }
            if (seen.put(o.node(), o) != null) {
                throw new IllegalArgumentException("node '" + o.node() + "' was observed twice");
            }
        }
        List<Duplicate> duplicates = new ArrayList<>();
        duplicates.addAll(shared(Duplicate.PUBLISHED_VTEP_MAC, published.nodes(),
                n -> Optional.of(n.vtepMac().toString())));
        duplicates.addAll(shared(Duplicate.PUBLISHED_PUBLIC_IP, published.nodes(),
                n -> Optional.of(n.publicIp().toString())));
        List<NodeObservation> obs = List.copyOf(seen.values());
        duplicates.addAll(shared(Duplicate.DEVICE_MAC, obs, o -> o.deviceMac().map(MacAddress::toString)));
        duplicates.addAll(sharedAddresses(published, obs));

        List<Drift> drifted = new ArrayList<>();
        for (NodeObservation o : obs) {
            AdvertisedNode self = published.byName(o.node()).orElseThrow();
            o.deviceMac().filter(mac -> !mac.equals(self.vtepMac()))
                    .ifPresent(mac -> drifted.add(new Drift(o.node(), self.vtepMac().toString(), mac.toString())));
        }
        Set<String> driftedNames = new LinkedHashSet<>(drifted.stream().map(Drift::node).toList());

        List<StaleHolder> stale = new ArrayList<>();
        for (NodeObservation owner : obs) {
            if (owner.deviceMac().isEmpty()) {
                continue; // no device, no MAC to be stale against
            }
            AdvertisedNode self = published.byName(owner.node()).orElseThrow();
            MacAddress current = owner.deviceMac().get();
            Ipv4 vtep = self.podCidr().network();
            boolean ownerDrifted = driftedNames.contains(owner.node());
            for (AdvertisedNode peer : published.nodes()) {
                if (peer.name().equals(owner.node()) || !seen.containsKey(peer.name())) {
                    continue;
                }
                NodeObservation holder = seen.get(peer.name());
                Optional<MacAddress> held = holder.peerNeighbors().isPresent()
                        ? Optional.ofNullable(holder.peerNeighbors().get().get(vtep))
                        : Optional.of(self.vtepMac()); // programmed from the publication
                if (held.isPresent() && !held.get().equals(current)) {
                    stale.add(new StaleHolder(peer.name(), owner.node(), held.get().toString(), current.toString(),
                            ownerDrifted && held.get().equals(self.vtepMac()), holder.peerNeighbors().isPresent()));
                }
            }
        }
        return new ClusterReport(published.nodes().size(), obs.size(), duplicates, drifted, stale,
                fixOrder(published, obs, drifted, stale));
    }

    private static List<FixStep> fixOrder(ClusterView published, List<NodeObservation> obs, List<Drift> drifted,
            List<StaleHolder> stale) {
        List<FixStep> steps = new ArrayList<>();
        for (Drift d : drifted) {
            long holders = stale.stream().filter(s -> s.about().equals(d.node()) && s.becauseDrifted()).count();
            steps.add(new FixStep(steps.size() + 1, d.node(), FixIds.FLANNEL_RESYNC,
                    "first: it re-publishes " + d.device() + " and its " + holders + " stale peer(s) re-program from"
                            + " the new publication; re-syncing a peer first would re-learn " + d.published()));
        }
        // After the re-syncs every observed node publishes its device's MAC: nodes still sharing one need their own.
        Map<String, List<String>> byEffective = new TreeMap<>();
        for (AdvertisedNode n : published.nodes()) {
            String mac = obs.stream().filter(o -> o.node().equals(n.name())).findFirst()
                    .flatMap(NodeObservation::deviceMac).map(MacAddress::toString).orElse(n.vtepMac().toString());
            byEffective.computeIfAbsent(mac, k -> new ArrayList<>()).add(n.name());
        }
        for (var e : byEffective.entrySet()) {
            List<String> nodes = e.getValue();
            for (String clone : nodes.subList(1, nodes.size())) {
                steps.add(new FixStep(steps.size() + 1, clone, FixIds.REGENERATE_VTEP_MAC,
                        "shares " + e.getKey() + " with " + nodes.getFirst() + ": a MAC of its own, then flanneld"
                                + " publishes it and every peer re-programs"));
            }
        }
        Set<String> ownStale = new LinkedHashSet<>();
        stale.stream().filter(s -> !s.becauseDrifted()).forEach(s -> ownStale.add(s.holder()));
        for (String holder : ownStale) {
            steps.add(new FixStep(steps.size() + 1, holder, FixIds.RESTORE_ROUTES,
                    "last: it holds a MAC its peer no longer has on its own, so it re-programs from the publication"));
        }
        return steps;
    }

    /** Groups of two or more items with one key, in key order, each group's nodes in name order. */
    private static <T> List<Duplicate> shared(String what, List<T> items, Function<T, Optional<String>> key) {
        Map<String, List<String>> groups = new TreeMap<>();
        for (T item : items) {
            String name = item instanceof AdvertisedNode n ? n.name() : ((NodeObservation) item).node();
            key.apply(item).ifPresent(k -> groups.computeIfAbsent(k, x -> new ArrayList<>()).add(name));
        }
        List<Duplicate> out = new ArrayList<>();
        groups.forEach((k, names) -> {
            if (names.size() > 1) {
                out.add(new Duplicate(what, k, names.stream().sorted().toList()));
            }
        });
        return out;
    }

    /**
     * Underlay addresses held by two nodes (an address conflict), judged only for the nodes' published public IPs: pod
     * and VTEP addresses legitimately repeat (every node's cni0 is a .1).
     */
    private static List<Duplicate> sharedAddresses(ClusterView published, List<NodeObservation> obs) {
        Set<Ipv4> publicIps = new LinkedHashSet<>(published.nodes().stream().map(AdvertisedNode::publicIp).toList());
        Map<String, List<String>> groups = new TreeMap<>();
        for (NodeObservation o : obs) {
            for (Ipv4 ip : new LinkedHashSet<>(o.addresses())) {
                if (publicIps.contains(ip)) {
                    groups.computeIfAbsent(ip.toString(), k -> new ArrayList<>()).add(o.node());
                }
            }
        }
        List<Duplicate> out = new ArrayList<>();
        groups.forEach((ip, names) -> {
            if (names.size() > 1) {
                out.add(new Duplicate(Duplicate.ADDRESS, ip, names.stream().sorted().toList()));
            }
        });
        return out;
    }
}
