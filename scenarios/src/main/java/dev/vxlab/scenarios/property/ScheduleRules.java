package dev.vxlab.scenarios.property;

import dev.vxlab.lab.spec.ClusterSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which schedules can be injected at all: each fault's commands must find what they change. A fault cannot delete
 * what an earlier one already deleted (the same fault twice on a node, FDB entries flushed and then deleted one by
 * one), and nothing can touch flannel.1 on a node after its device was deleted or re-created (the re-created device
 * is someone else's: the schedule is about what flannel finds, not about corrupting it further).
 */
public final class ScheduleRules {
    private static final Set<String> REPLACES_VTEP = Set.of("vxlan-device-deleted", "vxlan-device-recreated");
    /** Faults that delete or rewrite flannel's FDB entries: one of them per node. */
    private static final Set<String> FDB_EDITS = Set.of("fdb-flushed", "peer-mac-stale", "fdb-wrong-dst");

    private ScheduleRules() {}

    /** Why the schedule cannot run in the cluster, or empty when it can. */
    public static Optional<String> whyInvalid(List<ScheduledFault> faults, ClusterSpec spec) {
        Set<String> seen = new HashSet<>();
        Set<Integer> vtepReplaced = new HashSet<>();
        Set<Integer> fdbEdited = new HashSet<>();
        Set<Integer> vtepDown = new HashSet<>();
        boolean cloned = false;
        for (ScheduledFault f : faults) {
            if (f.node() >= spec.nodes().size() || f.minimumNodes() > spec.nodes().size()) {
                return Optional.of(f + " needs " + f.minimumNodes() + " nodes");
            }
            if (f.params().containsKey("peer") && Integer.parseInt(f.params().get("peer")) == f.node()) {
                return Optional.of(f + " names its own node as the peer");
            }
            if (!seen.add(f.id() + "@" + f.node())) {
                return Optional.of(f + " twice on one node");
            }
            if (vtepReplaced.contains(f.node()) && f.device().equals("flannel.1")) {
                return Optional.of(f + " after the node's flannel.1 was replaced");
            }
            if (FDB_EDITS.contains(f.id()) && !fdbEdited.add(f.node())) {
                return Optional.of(f + " edits FDB entries another fault already edited");
            }
            // A clone's flanneld re-programs every node's FDB (one entry per MAC): the entries FDB edits delete are gone.
            if (FDB_EDITS.contains(f.id()) && cloned) {
                return Optional.of(f + " after a clone's VtepMAC re-programmed every node's FDB");
            }
            cloned |= f.id().equals("vtep-mac-cloned");
            // The kernel refuses an onlink route through a device that is down.
            if (f.id().equals("peer-route-wrong") && vtepDown.contains(f.node())) {
                return Optional.of(f + " through a flannel.1 that is down");
            }
            if (f.id().equals("bridge-port-detached")) {
                String pod = f.params().getOrDefault("pod", "app");
                String node = spec.nodes().get(f.node()).name();
                if (spec.podsOn(node).stream().noneMatch(p -> p.name().equals(pod))) {
                    return Optional.of(f + " names a pod the node does not run");
                }
            }
            if (REPLACES_VTEP.contains(f.id())) {
                vtepReplaced.add(f.node());
            }
            if (f.id().equals("link-down") && f.device().equals("flannel.1")) {
                vtepDown.add(f.node());
            }
        }
        return Optional.empty();
    }

    public static boolean valid(List<ScheduledFault> faults, ClusterSpec spec) {
        return whyInvalid(faults, spec).isEmpty();
    }
}
