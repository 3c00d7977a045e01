package dev.vxlab.detectors.source;

import dev.vxlab.detectors.state.NmFacts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** Where a snapshot's NetworkManager facts come from. */
@FunctionalInterface
public interface NmFactsSource {
    /** For nodes where nobody looks at NetworkManager. */
    NmFactsSource NOT_INSPECTED = () -> NmFacts.NOT_INSPECTED;

    NmFacts read() throws SnapshotException;

    /**
     * These facts, read again only once they are older than {@code maxAge}: NetworkManager's configuration and process
     * change rarely, and reading files and /proc on every snapshot would dominate a watcher's fast path. Not
     * thread-safe (a watcher has one thread).
     */
    default NmFactsSource cachedFor(java.time.Duration maxAge) {
        NmFactsSource fresh = this;
        long maxAgeNanos = maxAge.toNanos();
        return new NmFactsSource() {
            private NmFacts facts;
            private long readAt;

            @Override
            public NmFacts read() throws SnapshotException {
                long now = System.nanoTime();
                if (facts == null || now - readAt >= maxAgeNanos) {
                    facts = fresh.read();
                    readAt = now;
                }
                return facts;
            }
        };
    }

    /**
     * Reads NetworkManager's configuration from a directory laid out like {@code /etc/NetworkManager} (see
     * {@link NetworkManagerConfig#read(Path)}) at every snapshot; whether the service runs is the caller's answer.
     */
    static NmFactsSource fromConfigDirectory(Path configDirectory, BooleanSupplier running) {
        return () -> {
            try {
                return NetworkManagerConfig.read(configDirectory).facts(running.getAsBoolean());
            } catch (IOException e) {
                throw new SnapshotException("cannot read NetworkManager's configuration in " + configDirectory + ": "
                        + e.getMessage(), e);
            }
        };
    }
}
