package dev.vxlab.lab.capture;

/** A capture could not start, stop or be read; the message is one sentence for the user, never a stack trace. */
public final class CaptureException extends Exception {
    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
