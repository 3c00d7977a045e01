package dev.vxlab.scenarios.property;

import java.util.List;

/** The faults of one case, injected in order. */
public record FaultSchedule(List<ScheduledFault> faults) {
    public static final int MAX_FAULTS = 4;

    public FaultSchedule {
        faults = List.copyOf(faults);
    }

    /** The smallest cluster every fault of the schedule can run in. */
    public int minimumNodes() {
        return faults.stream().mapToInt(ScheduledFault::minimumNodes).max().orElse(2);
    }

    @Override
    public String toString() {
        return faults.toString();
    }
}
