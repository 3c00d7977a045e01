package dev.vxlab.lab.probe;

import java.time.Duration;

/** A point on the monotonic clock that every wait of one probe shares, so the probe's total time is bounded. */
record Deadline(long atNanos, Duration budget) {

    static Deadline after(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos(), budget);
    }

    boolean passed() {
        return atNanos - System.nanoTime() <= 0;
    }

    /** Milliseconds left, rounded up so a wait is never 0 ms (which Selector.select takes as "forever"). */
    long remainingMillis() {
        long nanos = atNanos - System.nanoTime();
        return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
    }

    /** "500 ms", for details. */
    String budgetText() {
        return budget.toMillis() + " ms";
    }
}
