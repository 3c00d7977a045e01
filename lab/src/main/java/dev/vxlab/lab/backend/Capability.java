package dev.vxlab.lab.backend;

/** What a backend can do here; the layers above read these instead of asking which backend they have. */
public enum Capability {
    /** Node and pod network namespaces can be entered from this JVM: netlink snapshots, in-JVM probes and servers. */
    NETNS_FAST_PATH,
    /** tcpdump can capture on the nodes. */
    PACKET_CAPTURE,
    /** The lab runs without root on the host (inside a user namespace). */
    ROOTLESS,
    /** Real flanneld programs the nodes; without it, vxlab's flannel emulation does. */
    REAL_FLANNELD,
    /** A lab can outlive the command that made it ({@code vxlab up}) and be attached to later. */
    PERSISTENT_LABS
}
