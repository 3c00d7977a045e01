package dev.vxlab.lab.fault;

/** A finding the doctor is expected to name for a fault: on which node, which fault id, on which device ("" none). */
public record ExpectedFinding(String node, String fault, String device) {

    /** "node fault device", with "-" for no device: how tests compare it with what the doctor said. */
    public String render() {
        return node + " " + fault + " " + (device.isEmpty() ? "-" : device);
    }
}
