package dev.vxlab.scenarios.file;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.lab.probe.Probe;
import dev.vxlab.lab.probe.ProbeOutcome;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One probe from one matrix source to one matrix target and the outcome it must have.
 *
 * @param connect a bare TCP handshake to the pod's port instead of the full HTTP GET (small request, no body)
 * @param outcome the exact outcome (OK included), or empty for "broken": any outcome but OK
 * @param timeout this probe's deadline when it differs from the scenario's (like {@code curl -m 3})
 */
public record ProbeCheck(int line, String from, String to, boolean connect, Optional<ProbeOutcome> outcome,
        Optional<Duration> timeout) {
    private static final Pattern URL = Pattern.compile("http://(\\d+\\.\\d+\\.\\d+\\.\\d+)(?::(\\d{1,5}))?(/\\S*)?");

    public boolean holds(ProbeOutcome seen) {
        return outcome.map(o -> o == seen).orElse(seen != ProbeOutcome.OK);
    }

    /** The expectation as the file spells it: ok, timeout, short-body, broken. */
    public String expected() {
        return outcome.map(ProbeCheck::spelling).orElse("broken");
    }

    /** The check's own HTTP GET when {@code to} is a URL rather than a matrix target. */
    public Optional<Probe.HttpGet> url() {
        return to.startsWith("http://") ? Optional.of(url(to)) : Optional.empty();
    }

    /** {@code http://IP:PORT/PATH} (port 80 when left out); IllegalArgumentException when it is not one. */
    public static Probe.HttpGet url(String text) {
        Matcher m = URL.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("http://, an IPv4 address, an optional port and a path");
        }
        int port = m.group(2) == null ? 80 : Integer.parseInt(m.group(2));
        return new Probe.HttpGet(Ipv4.parse(m.group(1)), port, m.group(3) == null ? "/" : m.group(3));
    }

    /** How the expected outcome reads after the probe: times out, succeeds, fails, ends refused. */
    public String expectedVerb() {
        return outcome.map(o -> switch (o) {
            case OK -> "succeeds";
            case TIMEOUT -> "times out";
            default -> "ends " + spelling(o);
        }).orElse("fails");
    }

    public static String spelling(ProbeOutcome outcome) {
        return outcome.name().toLowerCase().replace('_', '-');
    }
}
