package dev.vxlab.detectors.remote;

/** A remote could not do what was asked (start a process, move a file); the message is one sentence for people. */
public final class RemoteException extends Exception {
    public RemoteException(String message) {
        super(message);
    }

    public RemoteException(String message, Throwable cause) {
        super(message, cause);
    }
}
