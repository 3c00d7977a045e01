package dev.vxlab.detectors.agent;

import dev.vxlab.detectors.netlink.ChangeEvent;
import dev.vxlab.detectors.netlink.NetlinkSubscription;
import dev.vxlab.detectors.source.SnapshotException;
import java.time.Duration;
import java.util.Optional;

/** Where a {@link Watcher} hears of changes: a {@link NetlinkSubscription} ({@code subscription::next}), or none. */
@FunctionalInterface
public interface ChangeFeed {
    /** The next change within the timeout, or empty; a zero timeout only takes what is already queued. */
    Optional<ChangeEvent> next(Duration timeout) throws SnapshotException, InterruptedException;

    /** No events at all: the watcher then polls on its timer alone (the baseline the event-driven mode beats). */
    ChangeFeed NONE = timeout -> {
        if (!timeout.isZero()) {
            Thread.sleep(timeout);
        }
        return Optional.empty();
    };
}
