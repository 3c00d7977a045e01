package dev.vxlab.detectors.source;

/** A node's state could not be read; the message is one sentence naming the command or file and what went wrong. */
public class SnapshotException extends Exception {
    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
