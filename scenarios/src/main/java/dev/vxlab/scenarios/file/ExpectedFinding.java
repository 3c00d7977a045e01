package dev.vxlab.scenarios.file;

import java.util.Optional;

/**
 * A finding the doctor must report: a fault id on a node, on a device when the file names one. An optional one may be
 * named and need not be: a mirror on a peer whose evidence depends on timing the file cannot fix (e.g. how far a
 * peer's ARP for a vanished address has got when the doctor looks).
 */
public record ExpectedFinding(int line, String node, String fault, Optional<String> device, boolean optional) {

    /** A finding that must be named. */
    public ExpectedFinding(int line, String node, String fault, Optional<String> device) {
        this(line, node, fault, device, false);
    }

    /** "172.31.159.19 vtep-mac-drift flannel.1", or without the device when any device will do. */
    public String render() {
        return node + " " + fault + device.map(d -> " " + d).orElse("") + (optional ? " (optional)" : "");
    }
}
