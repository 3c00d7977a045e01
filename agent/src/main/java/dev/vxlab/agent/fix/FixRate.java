package dev.vxlab.agent.fix;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * At most {@code count} fixes in any {@code window} ({@code --fix-rate 1/5m}): a sliding window of the times fixes
 * were applied, so a fault that keeps coming back (a host network manager fighting flannel) is not fixed in a loop.
 */
public record FixRate(int count, Duration window) {
    private static final Pattern TEXT = Pattern.compile("(\\d+)/(\\d+)(ms|s|m|h)");

    public FixRate {
        if (count < 1) {
            throw new IllegalArgumentException("a fix rate allows at least one fix, not " + count);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a fix rate's window must be positive, not " + window);
        }
    }

    /** {@code COUNT/DURATION}, the duration a number with ms, s, m or h: {@code 1/5m}, {@code 3/1h}. */
    public static FixRate parse(String text) {
        Matcher m = TEXT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a fix rate such as 1/5m (COUNT/DURATION, the "
                    + "duration in ms, s, m or h)");
        }
        int count;
        long amount;
        try {
            count = Integer.parseInt(m.group(1));
            amount = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a fix rate: its numbers are too large", e);
        }
        Duration window = switch (m.group(3)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        return new FixRate(count, window);
    }

    /** The window's state; not thread-safe (one per agent, used on one thread). */
    public final class Limiter {
        private final Deque<Long> applied = new ArrayDeque<>();

        /** Whether a fix may run at {@code nowNanos}; if so, it is counted. */
        public boolean tryAcquire(long nowNanos) {
            long windowNanos = window.toNanos();
            while (!applied.isEmpty() && nowNanos - applied.peekFirst() >= windowNanos) {
                applied.removeFirst();
            }
            if (applied.size() >= count) {
                return false;
            }
            applied.addLast(nowNanos);
            return true;
        }
    }

    public Limiter limiter() {
        return new Limiter();
    }
}
