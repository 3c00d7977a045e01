package dev.vxlab.scenarios.file;

import java.util.Optional;

/** A finding the doctor must report: a fault id on a node, on a device when the file names one. */
public record ExpectedFinding(int line, String node, String fault, Optional<String> device) {

    /** "172.31.159.19 vtep-mac-drift flannel.1", or without the device when any device will do. */
    public String render() {
        return node + " " + fault + device.map(d -> " " + d).orElse("");
    }
}
