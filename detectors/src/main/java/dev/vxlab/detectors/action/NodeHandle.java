package dev.vxlab.detectors.action;

import dev.vxlab.detectors.remote.Remote;

/**
 * A node as the {@link Actuator} reaches it: its remote for commands and files, and how its flanneld restarts (the
 * lab restarts its emulated flanneld; a real node deletes its flannel pod, see {@link RealNode}).
 */
public interface NodeHandle {

    /** The node's name in the cluster: what actions render with. */
    String name();

    Remote remote();

    /** Restarts the node's flanneld and returns what it did, one line each (for reports). */
    java.util.List<String> restartFlanneld() throws ActionException;

    /** Where a {@link NodeAction.WriteFile} for this node path goes on the remote; the same path unless overridden. */
    default String filePath(String nodePath) {
        return nodePath;
    }
}
