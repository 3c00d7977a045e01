package dev.vxlab.nodedoctor;

/** Bad input or an environment the node doctor cannot work in; the message is one sentence for people (exit 2). */
public final class NodeDoctorException extends Exception {
    public NodeDoctorException(String message) {
        super(message);
    }

    public NodeDoctorException(String message, Throwable cause) {
        super(message, cause);
    }
}
