package dev.vxlab.detectors.agent;

import dev.vxlab.detectors.netlink.ChangeEvent;
import dev.vxlab.detectors.netlink.NetlinkSubscription;
import dev.vxlab.detectors.source.SnapshotException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a {@link Watcher} hears of changes: a {@link NetlinkSubscription} ({@link #of(NetlinkSubscription)}), or none.
 */
@FunctionalInterface
public interface ChangeFeed {
    /** The next change within the timeout, or empty; a zero timeout only takes what is already queued. */
    Optional<ChangeEvent> next(Duration timeout) throws SnapshotException, InterruptedException;

    /**
     * Makes the {@link #next} waiting now (or the next to wait) return at once, from any thread: how
     * {@link Watcher#viewChanged} reaches a waiting watcher. A feed that cannot be woken (this default) lets it wait
     * for its next event or tick.
     */
    default void wakeUp() {}

    /** A subscription's events, woken through its eventfd. */
    static ChangeFeed of(NetlinkSubscription subscription) {
        Objects.requireNonNull(subscription, "subscription");
        return new ChangeFeed() {
            @Override
            public Optional<ChangeEvent> next(Duration timeout) throws SnapshotException, InterruptedException {
                return subscription.next(timeout);
            }

            @Override
            public void wakeUp() {
                subscription.wakeUp();
            }
        };
    }

    /** No events at all: the watcher then polls on its timer alone (the baseline the event-driven mode beats). */
    ChangeFeed NONE = timeout -> {
        if (!timeout.isZero()) {
            Thread.sleep(timeout);
        }
        return Optional.empty();
    };
}
