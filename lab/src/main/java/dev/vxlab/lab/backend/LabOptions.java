package dev.vxlab.lab.backend;

/**
 * How a lab uses its backend.
 *
 * @param fastPath use the backend's fast path into node namespaces where it has one (netlink snapshots, in-JVM
 *                 probes and servers); false drives every node through its {@code Remote} only, as a backend without
 *                 the fast path must ({@code --no-fast-path})
 */
public record LabOptions(boolean fastPath) {
    public static final LabOptions DEFAULT = new LabOptions(true);
    public static final LabOptions REMOTE_ONLY = new LabOptions(false);
}
