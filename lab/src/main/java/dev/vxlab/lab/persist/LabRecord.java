package dev.vxlab.lab.persist;

/**
 * A persistent lab as `vxlab up` left it: its name and run prefix, and the host PID of its sandbox's PID 1 (the
 * daemon JVM), which other commands enter with nsenter.
 */
public record LabRecord(String name, String prefix, String backend, int nodes, long sandboxPid,
        boolean userNamespace, String created) {}
