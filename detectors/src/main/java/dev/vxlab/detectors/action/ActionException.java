package dev.vxlab.detectors.action;

/** A node action could not be done; the message is one sentence for people (the action and why). */
public final class ActionException extends Exception {
    public ActionException(String message) {
        super(message);
    }

    public ActionException(String message, Throwable cause) {
        super(message, cause);
    }
}
