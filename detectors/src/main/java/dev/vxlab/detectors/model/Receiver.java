package dev.vxlab.detectors.model;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.detectors.state.Link;
import java.util.Set;

/**
 * A device that takes a frame off a segment into its namespace's IP stack.
 *
 * @param ns      where it is
 * @param link    the device the IP stack sees the packet arrive on (a bridge for frames to the bridge)
 * @param accepts the destination MACs it takes as its own (a bridge: its MAC and its ports')
 * @param path    how a frame gets there, for the trace
 * @param wire    whether the frame crossed a real wire (the underlay), where oversized frames are dropped; inside a
 *                node, veths carry offloaded super-packets and the MTU is enforced by IP forwarding instead
 */
record Receiver(Namespace ns, Link link, Set<MacAddress> accepts, String path, boolean wire) {

    String describe() {
        return ns.key() + "'s " + link.name();
    }
}
