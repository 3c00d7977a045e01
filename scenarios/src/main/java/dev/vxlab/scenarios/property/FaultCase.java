package dev.vxlab.scenarios.property;

/** One generated case: a cluster shape and the schedule of faults injected into it. */
public record FaultCase(ClusterShape shape, FaultSchedule schedule) {

    public FaultCase {
        if (schedule.minimumNodes() > shape.nodes()) {
            throw new IllegalArgumentException("the schedule " + schedule + " needs " + schedule.minimumNodes()
                    + " nodes, the cluster has " + shape.nodes());
        }
    }

    @Override
    public String toString() {
        return schedule + " on " + shape;
    }
}
