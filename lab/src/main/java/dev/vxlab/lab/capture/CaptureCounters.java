package dev.vxlab.lab.capture;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tcpdump's counters as it prints them on SIGUSR1: "tcpdump: 2 packets captured, 10 packets received by filter,
 * 0 packets dropped by kernel". Received counts what the kernel queued for tcpdump; captured, what tcpdump wrote.
 */
record CaptureCounters(long captured, long received, long dropped) {
    static final Pattern LINE = Pattern.compile(
            "(\\d+) packets? captured, (\\d+) packets? received by filter, (\\d+) packets? dropped by kernel");

    static Optional<CaptureCounters> parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new CaptureCounters(
                Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
    }

    /** Nothing queued is left unwritten. */
    boolean drained() {
        return captured + dropped >= received;
    }
}
