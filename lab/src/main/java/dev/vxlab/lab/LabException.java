package dev.vxlab.lab;

/**
 * Something the user can fix went wrong (no privileges, a missing tool, bad input): the message is one clear
 * sentence, and the CLI prints only it, never a stack trace.
 */
public class LabException extends Exception {
    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
