package dev.vxlab.lab.probe;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.util.Locale;

/**
 * Maps the errors the kernel really returns to outcomes. The JDK turns errno into exception type and strerror
 * text, so both are checked. What the kernel returns per route type (checked on Linux 6.x):
 * <ul>
 *   <li>{@code unreachable} route, or ARP/ICMP host unreachable: EHOSTUNREACH, "No route to host";
 *   <li>no route at all: ENETUNREACH, "Network is unreachable";
 *   <li>{@code blackhole} route: EINVAL, "Invalid argument", on connect and on UDP send alike;
 *   <li>{@code prohibit} route: EACCES, "Permission denied" (the JDK throws BindException for it);
 *   <li>RST or ICMP port unreachable: ECONNREFUSED, "Connection refused" (PortUnreachableException for UDP).
 * </ul>
 */
final class SocketErrors {
    private SocketErrors() {}

    /** The outcome of an exception thrown while connecting or exchanging data (never a deadline). */
    static Observation classify(IOException e, boolean connecting) {
        String message = message(e);
        if (e instanceof PortUnreachableException) {
            return Observation.of(ProbeOutcome.REFUSED, "Connection refused (ICMP port unreachable)");
        }
        if (e instanceof ConnectException && message.toLowerCase(Locale.ROOT).contains("timed out")) {
            return Observation.of(ProbeOutcome.TIMEOUT, message); // the kernel gave up on SYN retries first
        }
        if (connecting && e instanceof BindException && message.toLowerCase(Locale.ROOT).contains("permission denied")) {
            return Observation.of(ProbeOutcome.UNREACHABLE, message + " (prohibit route)");
        }
        if (e instanceof NoRouteToHostException) {
            return Observation.of(ProbeOutcome.UNREACHABLE, message);
        }
        if (e instanceof InterruptedIOException) {
            return Observation.of(ProbeOutcome.ERROR, "interrupted");
        }
        // The JDK reports a prohibit route's EACCES on connect as a BindException; other "Permission denied"s are not.
        Observation seen = message.toLowerCase(Locale.ROOT).contains("permission denied")
                ? Observation.of(ProbeOutcome.ERROR, message) : classify(message, connecting);
        return seen.outcome() == ProbeOutcome.ERROR
                ? Observation.of(ProbeOutcome.ERROR, e.getClass().getSimpleName() + ": " + message) : seen;
    }

    /**
     * The outcome of the kernel's words alone (strerror text, as a client program such as curl or bash prints it),
     * for probes run by real clients on a remote; ERROR with the words when they are none of the known ones.
     */
    static Observation classify(String strerror, boolean connecting) {
        String lower = strerror.toLowerCase(Locale.ROOT);
        if (lower.contains("connection refused")) {
            return Observation.of(ProbeOutcome.REFUSED, strerror);
        }
        if (lower.contains("no route to host") || lower.contains("network is unreachable")
                || lower.contains("host is unreachable")) {
            return Observation.of(ProbeOutcome.UNREACHABLE, strerror);
        }
        // Both are the kernel's verdict from a local route lookup, which is the only way connect(2) on a fresh
        // IPv4 socket gets them: a blackhole route (EINVAL) or a prohibit route (EACCES).
        if (connecting && lower.contains("invalid argument")) {
            return Observation.of(ProbeOutcome.UNREACHABLE, strerror + " (blackhole route)");
        }
        if (connecting && lower.contains("permission denied")) {
            return Observation.of(ProbeOutcome.UNREACHABLE, strerror + " (prohibit route)");
        }
        return Observation.of(ProbeOutcome.ERROR, strerror);
    }

    private static String message(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
