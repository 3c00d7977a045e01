package dev.vxlab.lab.report;

/**
 * What a node's own {@code uname} said when the cluster came up: the proof of where the dataplane ran (an arm64 guest
 * kernel under qemu, this machine's kernel for namespaces).
 *
 * @param node    the node's name
 * @param machine {@code uname -m}, e.g. aarch64
 * @param kernel  {@code uname -r}, e.g. 6.1.0-28-arm64
 */
public record NodeSystem(String node, String machine, String kernel) {

    /** One line for people: {@code 172.31.159.19: aarch64, Linux 6.1.0-28-arm64}. */
    public String summary() {
        return node + ": " + machine + ", Linux " + kernel;
    }
}
