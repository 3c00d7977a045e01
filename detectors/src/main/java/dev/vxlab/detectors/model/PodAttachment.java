package dev.vxlab.detectors.model;

import java.util.Objects;

/**
 * Which node a pod hangs off: the pod's device (its {@code eth0}) is the veth peer of {@code hostVeth} in the node's
 * namespace, normally a port of the node's {@code cni0}. Given explicitly because a snapshot names a veth's peer only
 * by an ifindex in another namespace.
 *
 * @param pod       the pod's key in the model, e.g. {@code app@172.31.159.19}
 * @param node      the node's key in the model
 * @param hostVeth  the node-side veth, e.g. {@code veth7ff5849b}
 * @param podDevice the pod-side veth, {@code eth0} unless said otherwise
 */
public record PodAttachment(String pod, String node, String hostVeth, String podDevice) {

    public PodAttachment {
        Objects.requireNonNull(pod, "pod");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(hostVeth, "hostVeth");
        Objects.requireNonNull(podDevice, "podDevice");
    }

    /** A pod whose device is {@code eth0}, as the CNI bridge plugin names it. */
    public PodAttachment(String pod, String node, String hostVeth) {
        this(pod, node, hostVeth, "eth0");
    }
}
