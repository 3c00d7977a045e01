package dev.vxlab.lab.probe;

/** How a probe ended, classified from the real socket error so reports read like the field's. */
public enum ProbeOutcome {
    /** A complete answer arrived (TCP: connected; HTTP: 2xx/3xx with the whole body; DNS: NOERROR or NXDOMAIN). */
    OK,
    /** Nothing came back before the deadline: packets are being dropped somewhere. */
    TIMEOUT,
    /** The destination answered "nobody listens here": a TCP RST or an ICMP port unreachable. */
    REFUSED,
    /** A route or a neighbour says the destination cannot be reached (no route, unreachable or blackhole route). */
    UNREACHABLE,
    /** HTTP headers arrived but the body stopped short of Content-Length, at EOF or at the deadline. */
    SHORT_BODY,
    /** Anything else; the detail says what. */
    ERROR;

    /** The cell text in a grid: {@code ok} for success, the name otherwise, so failures stand out. */
    public String cell() {
        return this == OK ? "ok" : name();
    }
}
