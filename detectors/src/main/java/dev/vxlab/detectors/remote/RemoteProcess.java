package dev.vxlab.detectors.remote;

import java.time.Duration;

/** A long-running process a {@link Remote} started. Stopping it ends that process only (by its PID), never by name. */
public interface RemoteProcess extends AutoCloseable {

    /** The argv it runs, as typed on the node. */
    java.util.List<String> argv();

    boolean alive();

    /**
     * Its PID as the node's /proc names it, where the remote knows it (a process of this machine; a guest's agent
     * reports one too). Whoever stops a daemon checks /proc/PID on the node against it first.
     */
    default java.util.OptionalLong pid() {
        return java.util.OptionalLong.empty();
    }

    /** What it printed so far on stderr (tcpdump's "listening on", a server's error). */
    String stderrSoFar();

    /** What it printed so far on stdout (a server's "ready" line). */
    String stdoutSoFar();

    /**
     * Ends it: SIGTERM (so tcpdump flushes its file), then SIGKILL after {@code grace}; returns its exit and outputs.
     */
    CommandResult stop(Duration grace);

    @Override
    default void close() {
        stop(Duration.ofSeconds(2));
    }
}
