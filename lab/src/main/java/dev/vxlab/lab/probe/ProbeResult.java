package dev.vxlab.lab.probe;

import dev.vxlab.detectors.addr.Ipv4;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How one probe went from one source.
 *
 * @param source the label of the namespace it ran from ("node-a", "pod coredns-x")
 * @param detail one line saying what happened ("200, 19491 bytes", "no answer within 500 ms")
 * @param elapsed from start to outcome, channel creation included
 */
public record ProbeResult(Probe probe, String source, ProbeOutcome outcome, String detail, Duration elapsed,
        Evidence evidence) {

    public boolean ok() {
        return outcome == ProbeOutcome.OK;
    }

    public OptionalInt httpStatus() {
        return evidence instanceof Evidence.Http http ? OptionalInt.of(http.status()) : OptionalInt.empty();
    }

    /** Body bytes an HTTP probe read; 0 for other probes. */
    public long bytesRead() {
        return evidence instanceof Evidence.Http http ? http.bytesRead() : 0;
    }

    public Optional<String> rcode() {
        return evidence instanceof Evidence.Dns dns ? Optional.of(dns.rcode()) : Optional.empty();
    }

    /** The A records a DNS probe got back; empty for other probes. */
    public List<Ipv4> answers() {
        return evidence instanceof Evidence.Dns dns ? dns.answers() : List.of();
    }

    /** One report line: {@code node-a$ curl http://10.187.1.24:9153/metrics -> SHORT_BODY (...) in 800 ms}. */
    public String summary() {
        return source + "$ " + probe.describe() + " -> " + outcome + " (" + detail + ") in " + elapsed.toMillis()
                + " ms";
    }
}
