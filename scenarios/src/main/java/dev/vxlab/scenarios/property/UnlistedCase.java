package dev.vxlab.scenarios.property;

import java.util.List;

/** One generated case of the "no silent breakage" property: a cluster shape and changes outside the fault catalog. */
public record UnlistedCase(ClusterShape shape, List<UnlistedChange> changes) {

    public UnlistedCase {
        changes = List.copyOf(changes);
        int needed = changes.stream().mapToInt(UnlistedChange::highestNode).max().orElse(0) + 1;
        if (needed > shape.nodes()) {
            throw new IllegalArgumentException("the changes " + changes + " need " + needed + " nodes, the cluster has "
                    + shape.nodes());
        }
    }

    @Override
    public String toString() {
        return changes + " on " + shape;
    }
}
