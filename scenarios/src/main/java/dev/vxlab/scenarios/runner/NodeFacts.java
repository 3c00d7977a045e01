package dev.vxlab.scenarios.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.lab.LabException;
import dev.vxlab.scenarios.file.DeviceCounters;
import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;

/** The facts a scenario reads off a node through its remote, with the iproute2 a person would type to see them. */
final class NodeFacts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeFacts() {}

    /** The device's MAC ({@code ip link show dev DEVICE}), or "(no device)". */
    static String deviceMac(Remote node, String device) throws LabException {
        return json(node.run("ip", "-j", "link", "show", "dev", device)).path(0).path("address").asText("(no device)");
    }

    /**
     * A device counter from {@code ip -s -s link show dev DEVICE}. iproute2 prints rx_otherhost_dropped only when it is
     * not zero, and kernels before 5.19 do not have it at all: empty then.
     */
    static OptionalLong counter(Remote node, String device, String counter) throws LabException {
        List<String> path = DeviceCounters.PATHS.get(counter);
        JsonNode stats = json(node.run("ip", "-j", "-s", "-s", "link", "show", "dev", device)).path(0).path("stats64")
                .path(path.get(0));
        if (stats.has(path.get(1))) {
            return OptionalLong.of(stats.get(path.get(1)).asLong());
        }
        return path.get(1).equals("otherhost") && kernelHasOtherhostCounter() && !stats.isMissingNode()
                ? OptionalLong.of(0) : OptionalLong.empty();
    }

    static boolean kernelHasOtherhostCounter() {
        String[] version = System.getProperty("os.version", "0.0").split("[.-]");
        try {
            int major = Integer.parseInt(version[0]);
            int minor = Integer.parseInt(version[1]);
            return major > 5 || (major == 5 && minor >= 19);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static JsonNode json(CommandResult r) throws LabException {
        if (!r.ok()) {
            return JSON.createArrayNode();
        }
        try {
            return JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new LabException("cannot parse the output of '" + r.commandLine() + "'", e);
        }
    }
}
