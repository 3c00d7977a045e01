package dev.vxlab.lab.daemons;

import java.util.List;

/** A daemon a lab node can run confined (its private system bus first): its process name and how it starts. */
public enum Daemon {
    DBUS("dbus-daemon", "dbus-daemon"),
    NETWORK_MANAGER("NetworkManager", "networkmanager"),
    FIREWALLD("firewalld", "firewalld");

    private final String comm;
    private final String id;

    Daemon(String comm, String id) {
        this.comm = comm;
        this.id = id;
    }

    /** Its name in /proc/PID/comm (what a stop checks before it signals the PID). */
    public String comm() {
        return comm;
    }

    /** Its key in scenario files and the CLI. */
    public String id() {
        return id;
    }

    /** How it starts in the foreground; {@code busConfig} is the node path of the private bus's configuration. */
    List<String> argv(String busConfig) {
        return switch (this) {
            case DBUS -> List.of("dbus-daemon", "--config-file=" + busConfig, "--nofork", "--nopidfile");
            case NETWORK_MANAGER -> List.of("NetworkManager", "--no-daemon");
            case FIREWALLD -> List.of("firewalld", "--nofork", "--nopid", "--log-target", "console");
        };
    }

    /** A command that exits 0 once it serves its bus (run confined). */
    List<String> readiness() {
        return switch (this) {
            case DBUS -> List.of("dbus-send", "--system", "--print-reply", "--dest=org.freedesktop.DBus", "/",
                    "org.freedesktop.DBus.GetId");
            // RUNNING reads "running" once NetworkManager owns its bus name and has read the devices.
            case NETWORK_MANAGER -> List.of("nmcli", "-t", "-f", "RUNNING", "general");
            case FIREWALLD -> List.of("firewall-cmd", "--state");
        };
    }

    boolean ready(String stdout) {
        return switch (this) {
            case DBUS -> stdout.contains("string");
            case NETWORK_MANAGER -> stdout.strip().equals("running");
            case FIREWALLD -> stdout.strip().equals("running");
        };
    }
}
