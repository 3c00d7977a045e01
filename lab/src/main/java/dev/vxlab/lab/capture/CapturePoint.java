package dev.vxlab.lab.capture;

/** Where a capture listens: a device inside a named network namespace, and the node it belongs to (for reports). */
public record CapturePoint(String namespace, String device, String node) {

    public CapturePoint {
        requireName(namespace, "namespace");
        requireName(device, "device");
        requireName(node, "node");
    }

    /** A capture point whose node label is the namespace name. */
    public static CapturePoint in(String namespace, String device) {
        return new CapturePoint(namespace, device, namespace);
    }

    private static void requireName(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a capture point needs a " + what);
        }
    }

    @Override
    public String toString() {
        return device + " in network namespace " + namespace;
    }
}
