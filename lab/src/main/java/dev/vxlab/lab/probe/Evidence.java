package dev.vxlab.lab.probe;

import dev.vxlab.detectors.addr.Ipv4;
import java.util.List;

/** What a probe saw of the protocol beyond the outcome: nothing, an HTTP response, or a DNS answer. */
public sealed interface Evidence {
    Evidence NONE = new None();

    /** No protocol data (TCP connect, or the probe failed before any response arrived). */
    record None() implements Evidence {}

    /**
     * An HTTP response head and how much of its body arrived.
     *
     * @param contentLength the declared length, or -1 when the response declared none
     */
    record Http(int status, long contentLength, long bytesRead) implements Evidence {}

    /** A DNS response: its rcode name ({@code NOERROR}, {@code NXDOMAIN}, ...) and the A records in it. */
    record Dns(String rcode, List<Ipv4> answers) implements Evidence {
        public Dns {
            answers = List.copyOf(answers);
        }
    }
}
