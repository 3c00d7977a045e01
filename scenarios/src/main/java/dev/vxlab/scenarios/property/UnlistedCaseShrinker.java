package dev.vxlab.scenarios.property;

import java.util.List;
import java.util.function.Predicate;

/**
 * Shrinks a failing {@link UnlistedCase}: delta debugging over the changes (then none at all, in case the cluster
 * alone fails), then the smallest cluster the remaining changes fit that still fails, then the field's address plan.
 */
public final class UnlistedCaseShrinker implements Shrinker<UnlistedCase> {

    @Override
    public UnlistedCase shrink(UnlistedCase failing, Predicate<UnlistedCase> stillFails) {
        ClusterShape shape = failing.shape();
        List<UnlistedChange> changes = DeltaDebugging.minimize(failing.changes(),
                list -> stillFails.test(new UnlistedCase(shape, list)));
        if (!changes.isEmpty() && stillFails.test(new UnlistedCase(shape, List.of()))) {
            changes = List.of();
        }
        UnlistedCase current = new UnlistedCase(shape, changes);
        int least = Math.max(ClusterShape.MIN_NODES,
                changes.stream().mapToInt(UnlistedChange::highestNode).max().orElse(0) + 1);
        for (int n = least; n < shape.nodes(); n++) {
            UnlistedCase fewer = new UnlistedCase(shape.withNodes(n), changes);
            if (stillFails.test(fewer)) {
                current = fewer;
                break;
            }
        }
        if (!current.shape().plan().equals(AddressPlan.FIELD)) {
            UnlistedCase field = new UnlistedCase(new ClusterShape(AddressPlan.FIELD, current.shape().nodes()),
                    current.changes());
            if (stillFails.test(field)) {
                current = field;
            }
        }
        return current;
    }
}
