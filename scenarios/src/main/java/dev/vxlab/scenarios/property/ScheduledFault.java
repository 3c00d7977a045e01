package dev.vxlab.scenarios.property;

import dev.vxlab.lab.fault.Fault;
import dev.vxlab.lab.fault.FaultCatalog;
import dev.vxlab.lab.spec.ClusterSpec;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One fault of a schedule: a {@link FaultCatalog} id, the node by index, and the parameters that differ from the
 * fault's defaults. A {@code peer} parameter is a node index too, so a case stays valid when nodes are renamed by
 * another address plan.
 *
 * @param node   the node's index in the cluster
 * @param params parameters as {@code vxlab inject -p} takes them; empty means the fault's defaults
 */
public record ScheduledFault(String id, int node, Map<String, String> params) {
    /** Faults that mix two peers up: they need a third node. */
    static final Set<String> NEED_THREE_NODES = Set.of("peer-route-wrong", "fdb-wrong-dst");

    public ScheduledFault {
        FaultCatalog.byId(id);
        params = Map.copyOf(params);
        if (node < 0) {
            throw new IllegalArgumentException("a node index is not negative");
        }
    }

    /** The nodes this fault names: its own and its peer's. */
    public int highestNode() {
        return Math.max(node, params.containsKey("peer") ? Integer.parseInt(params.get("peer")) : 0);
    }

    /** The smallest cluster this fault can run in. */
    public int minimumNodes() {
        return Math.max(highestNode() + 1, NEED_THREE_NODES.contains(id) ? 3 : 2);
    }

    public Fault toFault(ClusterSpec spec) {
        return FaultCatalog.create(id, Integer.toString(node), params, spec);
    }

    public ScheduledFault withParams(Map<String, String> p) {
        return new ScheduledFault(id, node, p);
    }

    /** The device this fault corrupts, for the generator's rules (empty: node-wide or several). */
    String device() {
        return switch (id) {
            case "link-down" -> params.getOrDefault("device", "flannel.1");
            case "mtu-reset" -> params.getOrDefault("device", "eth0");
            case "rp-filter-strict" -> params.getOrDefault("device", "all");
            case "bridge-address-removed", "bridge-port-detached" -> "cni0";
            case "ip-forward-off" -> "";
            case "underlay-renumbered", "default-route-removed" -> "eth0";
            default -> "flannel.1";
        };
    }

    @Override
    public String toString() {
        return id + "@" + node + (params.isEmpty() ? "" : new TreeMap<>(params).toString());
    }
}
