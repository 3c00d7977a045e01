package dev.vxlab.lab.capture;

import dev.vxlab.detectors.remote.Remote;
import java.util.Objects;

/** Where a capture listens: a device on a node reached through its {@link Remote}, and the node's name for reports. */
public record CapturePoint(Remote remote, String device, String node) {

    public CapturePoint {
        Objects.requireNonNull(remote, "a capture point needs a remote");
        requireName(device, "device");
        requireName(node, "node");
    }

    /** A capture point on the node the remote reaches, labelled with the remote's name. */
    public static CapturePoint on(Remote remote, String device) {
        return new CapturePoint(remote, device, remote.name());
    }

    private static void requireName(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a capture point needs a " + what);
        }
    }

    @Override
    public String toString() {
        return device + " on node " + node;
    }
}
