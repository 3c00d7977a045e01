package dev.vxlab.agent;

/** Bad input or environment for the agent: one sentence for the operator; the agent exits 2. */
public final class AgentException extends Exception {
    public AgentException(String message) {
        super(message);
    }

    public AgentException(String message, Throwable cause) {
        super(message, cause);
    }
}
