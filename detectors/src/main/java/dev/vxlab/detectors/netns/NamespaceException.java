package dev.vxlab.detectors.netns;

/** A network namespace could not be opened or entered; the message is one sentence for the user. */
public final class NamespaceException extends Exception {
    public NamespaceException(String message, Throwable cause) {
        super(message, cause);
    }
}
