package dev.vxlab.lab.probe;

import dev.vxlab.detectors.netns.NetnsExecutor;
import dev.vxlab.detectors.remote.Remote;

/**
 * Where probes run from (a node's host namespace or a pod), with a label for reports: either a namespace this JVM
 * enters (the fast path: sockets of this JVM) or the node's or pod's remote (real clients run there).
 */
public record ProbeSource(String label, NetnsExecutor netns, Remote remote) {

    public ProbeSource {
        if ((netns == null) == (remote == null)) {
            throw new IllegalArgumentException("a probe source is a namespace or a remote, exactly one of them");
        }
    }

    public ProbeSource(String label, NetnsExecutor netns) {
        this(label, netns, null);
    }

    public static ProbeSource overRemote(String label, Remote remote) {
        return new ProbeSource(label, null, remote);
    }

    public boolean fastPath() {
        return netns != null;
    }
}
