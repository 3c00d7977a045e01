package dev.vxlab.backend.qemu;

import dev.vxlab.lab.spec.NodePlan;
import java.nio.file.Path;

/** The names one qemu run uses: its fabric namespace (taps and the underlay bridge), sockets and MACs. */
record QemuNames(String prefix) {
    static final String FABRIC_SUFFIX = "-qemu";
    static final String BRIDGE = "br0";

    String fabric() {
        return prefix + FABRIC_SUFFIX;
    }

    String tap(NodePlan node) {
        return "tap" + node.index();
    }

    /** On the sandbox's private /run: gone with the sandbox, short enough for a unix socket path. */
    Path socketDirectory() {
        return Path.of("/run/vxlab-qemu", prefix);
    }

    Path agentSocket(NodePlan node) {
        return socketDirectory().resolve(node.name() + ".qga");
    }

    /** eth0's MAC: locally administered, unique per node within a run. */
    String mac(NodePlan node) {
        return String.format("52:54:00:%02x:%02x:%02x", (prefix.hashCode() >> 8) & 0xff, prefix.hashCode() & 0xff,
                node.index() & 0xff);
    }
}
