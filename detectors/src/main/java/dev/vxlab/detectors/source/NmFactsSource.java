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
