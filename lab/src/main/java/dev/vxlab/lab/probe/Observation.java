package dev.vxlab.lab.probe;

/** What a runner found, before the Prober adds the probe, the source and the elapsed time. */
record Observation(ProbeOutcome outcome, String detail, Evidence evidence) {

    static Observation ok(String detail, Evidence evidence) {
        return new Observation(ProbeOutcome.OK, detail, evidence);
    }

    static Observation of(ProbeOutcome outcome, String detail) {
        return new Observation(outcome, detail, Evidence.NONE);
    }
}
