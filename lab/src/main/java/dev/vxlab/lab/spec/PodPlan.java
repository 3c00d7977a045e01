package dev.vxlab.lab.spec;

import dev.vxlab.detectors.addr.Ipv4;

/** A pod on a node: its short name (unique on the node), its IP in the node's subnet, and whether it serves DNS. */
public record PodPlan(String node, String name, Ipv4 ip, boolean dns) {

    /** The pod's display name, like kubectl's NAMESPACE/NAME is unique cluster-wide: node/pod. */
    public String label() {
        return name + "@" + node;
    }

    /** The node-side veth name, stable per pod like the CNI bridge plugin's veth + 8 hex digits. */
    public String hostVeth() {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(label().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return "veth%08x".formatted(crc.getValue());
    }
}
