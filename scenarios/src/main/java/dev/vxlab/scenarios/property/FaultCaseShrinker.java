package dev.vxlab.scenarios.property;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Shrinks a failing {@link FaultCase} in three passes, each keeping only candidates that still fail: delta debugging
 * over the fault list (then the empty schedule, in case the cluster alone fails), then simpler parameters (each
 * fault's defaults, then one parameter fewer at a time), then fewer nodes (each fault moved to the lowest node index
 * that still fails, then the smallest cluster that still fails), then the field's address plan. Every candidate obeys {@link ScheduleRules}.
 */
public final class FaultCaseShrinker implements Shrinker<FaultCase> {

    @Override
    public FaultCase shrink(FaultCase failing, Predicate<FaultCase> stillFails) {
        ClusterShape shape = failing.shape();
        Predicate<List<ScheduledFault>> listFails = faults -> ScheduleRules.valid(faults, shape.spec())
                && stillFails.test(new FaultCase(shape, new FaultSchedule(faults)));
        List<ScheduledFault> faults = DeltaDebugging.minimize(failing.schedule().faults(), listFails);
        if (!faults.isEmpty() && listFails.test(List.of())) {
            faults = List.of();
        }
        FaultCase current = new FaultCase(shape, new FaultSchedule(faults));
        current = simplerParameters(current, stillFails);
        current = lowerNodes(current, stillFails);
        current = fewerNodes(current, stillFails);
        if (!current.shape().plan().equals(AddressPlan.FIELD)) {
            current = tryCase(new ClusterShape(AddressPlan.FIELD, current.shape().nodes()), current.schedule().faults(),
                    stillFails).orElse(current);
        }
        return current;
    }

    private static FaultCase simplerParameters(FaultCase current, Predicate<FaultCase> stillFails) {
        List<ScheduledFault> faults = new ArrayList<>(current.schedule().faults());
        for (int i = 0; i < faults.size(); i++) {
            ScheduledFault f = faults.get(i);
            if (f.params().isEmpty()) {
                continue;
            }
            List<Map<String, String>> candidates = new ArrayList<>();
            candidates.add(Map.of());
            for (String key : f.params().keySet()) {
                Map<String, String> fewer = new HashMap<>(f.params());
                fewer.remove(key);
                candidates.add(fewer);
            }
            for (Map<String, String> params : candidates) {
                List<ScheduledFault> tried = new ArrayList<>(faults);
                tried.set(i, f.withParams(params));
                var shrunk = tryCase(current.shape(), tried, stillFails);
                if (shrunk.isPresent()) {
                    faults = new ArrayList<>(shrunk.get().schedule().faults());
                    break;
                }
            }
        }
        return new FaultCase(current.shape(), new FaultSchedule(faults));
    }

    /** Each fault on the lowest node that still fails, so the nodes past the highest one can go. */
    private static FaultCase lowerNodes(FaultCase current, Predicate<FaultCase> stillFails) {
        List<ScheduledFault> faults = new ArrayList<>(current.schedule().faults());
        for (int i = 0; i < faults.size(); i++) {
            ScheduledFault f = faults.get(i);
            for (int node = 0; node < f.node(); node++) {
                List<ScheduledFault> tried = new ArrayList<>(faults);
                tried.set(i, new ScheduledFault(f.id(), node, f.params()));
                var shrunk = tryCase(current.shape(), tried, stillFails);
                if (shrunk.isPresent()) {
                    faults = new ArrayList<>(shrunk.get().schedule().faults());
                    break;
                }
            }
        }
        return new FaultCase(current.shape(), new FaultSchedule(faults));
    }

    private static FaultCase fewerNodes(FaultCase current, Predicate<FaultCase> stillFails) {
        int least = Math.max(ClusterShape.MIN_NODES, current.schedule().minimumNodes());
        for (int n = least; n < current.shape().nodes(); n++) {
            var shrunk = tryCase(current.shape().withNodes(n), current.schedule().faults(), stillFails);
            if (shrunk.isPresent()) {
                return shrunk.get();
            }
        }
        return current;
    }

    private static java.util.Optional<FaultCase> tryCase(ClusterShape shape, List<ScheduledFault> faults,
            Predicate<FaultCase> stillFails) {
        if (!ScheduleRules.valid(faults, shape.spec())) {
            return java.util.Optional.empty();
        }
        FaultCase candidate = new FaultCase(shape, new FaultSchedule(faults));
        return stillFails.test(candidate) ? java.util.Optional.of(candidate) : java.util.Optional.empty();
    }
}
