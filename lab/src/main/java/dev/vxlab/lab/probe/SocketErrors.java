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
        String lower = message.toLowerCase(Locale.ROOT);
        if (e instanceof PortUnreachableException) {
            return Observation.of(ProbeOutcome.REFUSED, "Connection refused (ICMP port unreachable)");
        }
        if (lower.contains("connection refused")) {
            return Observation.of(ProbeOutcome.REFUSED, message);
        }
        if (e instanceof ConnectException && lower.contains("timed out")) {
            return Observation.of(ProbeOutcome.TIMEOUT, message); // the kernel gave up on SYN retries first
        }
        if (e instanceof NoRouteToHostException || lower.contains("no route to host")
                || lower.contains("network is unreachable") || lower.contains("host is unreachable")) {
            return Observation.of(ProbeOutcome.UNREACHABLE, message);
        }
        // Both are the kernel's verdict from a local route lookup, which is the only way connect(2) on a fresh
        // IPv4 socket gets them: a blackhole route (EINVAL) or a prohibit route (EACCES).
        if (connecting && lower.contains("invalid argument")) {
            return Observation.of(ProbeOutcome.UNREACHABLE, message + " (blackhole route)");
        }
        if (connecting && e instanceof BindException && lower.contains("permission denied")) {
            return Observation.of(ProbeOutcome.UNREACHABLE, message + " (prohibit route)");
        }
        if (e instanceof InterruptedIOException) {
            return Observation.of(ProbeOutcome.ERROR, "interrupted");
        }
        return Observation.of(ProbeOutcome.ERROR, e.getClass().getSimpleName() + ": " + message);
    }

    private static String message(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
