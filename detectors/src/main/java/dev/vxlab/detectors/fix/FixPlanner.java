package dev.vxlab.detectors.fix;

import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Finding;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Turns a diagnosis into fix plans: every finding goes to the first of its fixes that is known, findings that share a
 * fix are cured by one plan, and plans come in each fix's {@link Fix#rank()} (sysctls and links before addresses,
 * addresses before peer entries, flanneld last, NetworkManager's drop-in first so nothing undoes the cure).
 */
public final class FixPlanner {
    private final Map<String, Fix> fixes;

    private FixPlanner(List<Fix> fixes) {
        Map<String, Fix> byId = new LinkedHashMap<>();
        for (Fix fix : fixes) {
            if (byId.put(fix.id(), fix) != null) {
                throw new IllegalArgumentException("two fixes have the id " + fix.id());
            }
        }
        this.fixes = byId;
    }

    public static FixPlanner load() {
        List<Fix> found = new ArrayList<>();
        ServiceLoader.load(Fix.class, Thread.currentThread().getContextClassLoader()).forEach(found::add);
        return new FixPlanner(found);
    }

    public static FixPlanner of(List<Fix> fixes) {
        return new FixPlanner(fixes);
    }

    public Map<String, Fix> fixes() {
        return Map.copyOf(fixes);
    }

    /** The plans that cure the diagnosis's findings; findings with no known fix are left out. */
    public List<FixPlan> plan(Diagnosis diagnosis, DetectionInput input) {
        return plan(diagnosis, input, Set.of());
    }

    /**
     * The same, never choosing a fix in {@code skipped}: a finding goes to its first other fix (e.g. restore-routes
     * where flannel-resync, which needs kubectl, cannot run), or is left out when it has none.
     */
    public List<FixPlan> plan(Diagnosis diagnosis, DetectionInput input, Set<String> skipped) {
        Map<String, List<Finding>> byFix = new LinkedHashMap<>();
        for (Finding finding : diagnosis.findings()) {
            finding.fixes().stream().filter(id -> fixes.containsKey(id) && !skipped.contains(id)).findFirst()
                    .ifPresent(id -> byFix.computeIfAbsent(id, k -> new ArrayList<>()).add(finding));
        }
        List<FixPlan> plans = new ArrayList<>();
        byFix.entrySet().stream()
                .sorted(java.util.Comparator.comparingInt(e -> fixes.get(e.getKey()).rank()))
                .forEach(e -> {
                    Fix fix = fixes.get(e.getKey());
                    plans.add(new FixPlan(fix.id(), input.nodeName(), e.getValue(), fix.description(),
                            fix.plan(e.getValue(), input)));
                });
        return plans;
    }
}
