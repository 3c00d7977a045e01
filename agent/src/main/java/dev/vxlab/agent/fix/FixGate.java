package dev.vxlab.agent.fix;

import dev.vxlab.detectors.action.ActionException;
import dev.vxlab.detectors.action.Actuator;
import dev.vxlab.detectors.action.NodeHandle;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.fix.FixPlan;
import dev.vxlab.detectors.fix.FixPlanner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The agent's fixes: only the fix ids an operator allowed ({@code --fix ID,...}), each plan through the one actuator
 * on this node, at most as often as {@link FixRate} allows. Nothing is allowed by default: the agent is read-only.
 */
public final class FixGate {
    /** What happened to one plan. */
    public record Outcome(String fix, String result, String detail) {
        public static final String APPLIED = "applied";
        public static final String FAILED = "failed";
        public static final String RATE_LIMITED = "rate-limited";
    }

    private final FixPlanner planner;
    private final Set<String> skipped;
    private final FixRate.Limiter limiter;
    private final NodeHandle node;
    private final Actuator actuator = new Actuator();

    /**
     * @throws IllegalArgumentException naming an allowed id that is no fix
     */
    public FixGate(FixPlanner planner, Set<String> allowed, FixRate rate, NodeHandle node) {
        this.planner = Objects.requireNonNull(planner, "planner");
        Set<String> known = new TreeSet<>(planner.fixes().keySet());
        for (String id : allowed) {
            if (!known.contains(id)) {
                throw new IllegalArgumentException("unknown fix '" + id + "' for --fix (known: " + String.join(", ", known)
                        + ")");
            }
        }
        Set<String> notAllowed = new HashSet<>(known);
        notAllowed.removeAll(allowed);
        this.skipped = Set.copyOf(notAllowed);
        this.limiter = rate.limiter();
        this.node = Objects.requireNonNull(node, "node");
    }

    /** Plans the allowed fixes for this diagnosis and applies those the rate allows, in the planner's order. */
    public List<Outcome> fix(Diagnosis diagnosis, DetectionInput input, long nowNanos) {
        List<Outcome> out = new ArrayList<>();
        for (FixPlan plan : planner.plan(diagnosis, input, skipped)) {
            if (!limiter.tryAcquire(nowNanos)) {
                out.add(new Outcome(plan.fix(), Outcome.RATE_LIMITED, plan.description()));
                continue;
            }
            try {
                actuator.apply(node, plan.steps());
                out.add(new Outcome(plan.fix(), Outcome.APPLIED, plan.description()));
            } catch (ActionException e) {
                out.add(new Outcome(plan.fix(), Outcome.FAILED, e.getMessage()));
            }
        }
        return out;
    }
}
