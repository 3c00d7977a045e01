package dev.vxlab.scenarios.file;

import dev.vxlab.lab.probe.ProbeOutcome;
import java.time.Duration;
import java.util.Optional;

/**
 * One probe from one matrix source to one matrix target and the outcome it must have.
 *
 * @param connect a bare TCP handshake to the pod's port instead of the full HTTP GET (small request, no body)
 * @param outcome the exact outcome (OK included), or empty for "broken": any outcome but OK
 * @param timeout this probe's deadline when it differs from the scenario's (like {@code curl -m 3})
 */
public record ProbeCheck(int line, String from, String to, boolean connect, Optional<ProbeOutcome> outcome,
        Optional<Duration> timeout) {

    public boolean holds(ProbeOutcome seen) {
        return outcome.map(o -> o == seen).orElse(seen != ProbeOutcome.OK);
    }

    /** The expectation as the file spells it: ok, timeout, short-body, broken. */
    public String expected() {
        return outcome.map(ProbeCheck::spelling).orElse("broken");
    }

    public static String spelling(ProbeOutcome outcome) {
        return outcome.name().toLowerCase().replace('_', '-');
    }
}
