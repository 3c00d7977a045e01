package dev.vxlab.detectors.netlink;

/**
 * A dump cannot be trusted as part of one snapshot: the kernel flagged it as interrupted, the socket overflowed, or it
 * names a device the link dump did not list. The snapshot is taken again.
 */
final class TornDumpException extends Exception {
    TornDumpException(String message) {
        super(message, null, false, false); // control flow, not a failure: no stack trace
    }
}
