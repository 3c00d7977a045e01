package dev.vxlab.detectors.source;

/**
 * The dumps of one snapshot disagree (a device appeared, vanished or was renamed between two commands). Raised
 * inside a source, which takes the snapshot again; it reaches the caller only when that keeps happening.
 */
final class InconsistentSnapshotException extends SnapshotException {
    InconsistentSnapshotException(String message) {
        super(message);
    }
}
