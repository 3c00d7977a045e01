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
     * These facts plus, where NetworkManager runs, the devices it has activated itself, asked of it with
     * {@code nmcli -t -f DEVICE,STATE device} through {@code remote} (on a lab node running the real daemon, its remote
     * sends nmcli to the node's private bus). No answer (nmcli missing, another bus) leaves the list empty.
     */
    default NmFactsSource withActivatedDevices(java.util.function.Supplier<dev.vxlab.detectors.remote.Remote> remote) {
        NmFactsSource facts = this;
        return () -> {
            NmFacts read = facts.read();
            if (!read.inspected() || !read.running()) {
                return read;
            }
            var answer = remote.get().run("nmcli", "-t", "-f", "DEVICE,STATE", "device");
            return answer.ok() ? read.withActivatedDevices(activatedDevices(answer.stdout())) : read;
        };
    }

    /**
     * The devices {@code nmcli -t -f DEVICE,STATE device} shows as activated by NetworkManager: "connected" or
     * "connecting (...)", not "connected (externally)" (found configured, left as is) nor any other state.
     */
    static java.util.List<String> activatedDevices(String nmcliTerse) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String line : nmcliTerse.lines().toList()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String state = line.substring(colon + 1).strip();
            if (state.equals("connected") || state.startsWith("connecting")) {
                out.add(line.substring(0, colon));
            }
        }
        return out;
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
