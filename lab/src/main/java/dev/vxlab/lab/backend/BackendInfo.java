package dev.vxlab.lab.backend;

/**
 * What a backend can do, so the layers above adapt without instanceof (like kind's provider Info).
 *
 * @param name             the backend's name on the command line
 * @param rootless         whether it is running without root on the host (inside a user namespace)
 * @param netnsReachable   whether node and pod network namespaces can be entered from this JVM (probes, netlink)
 * @param packetCapture    whether tcpdump can capture in the nodes (false in a user namespace without setgroups)
 * @param architecture     the nodes' CPU architecture (amd64, arm64)
 * @param realFlanneld     whether real flanneld programs the nodes; if not, vxlab's flannel emulation does
 */
public record BackendInfo(String name, boolean rootless, boolean netnsReachable, boolean packetCapture,
        String architecture, boolean realFlanneld) {}
