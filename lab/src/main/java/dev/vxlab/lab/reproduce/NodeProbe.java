package dev.vxlab.lab.reproduce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vxlab.lab.LabException;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** The handful of facts the story reads off a node, each with the command a person would type to see it. */
final class NodeProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeProbe() {}

    /** A fact and the command it came from. */
    record Seen<T>(T value, String command) {}

    static Seen<String> deviceMac(Remote shell, String device) throws LabException {
        CommandResult r = shell.run("ip", "-j", "link", "show", "dev", device);
        JsonNode link = json(r).path(0);
        return new Seen<>(link.path("address").asText("(no device)"), "ip link show dev " + device);
    }

    /**
     * The kernel's rx_otherhost_dropped counter of the device: frames that arrived addressed to another MAC. iproute2
     * prints it only when non-zero; kernels before 5.19 do not have it at all (empty then).
     */
    static Seen<OptionalLong> otherhostDrops(Remote shell, String device) throws LabException {
        CommandResult r = shell.run("ip", "-j", "-s", "-s", "link", "show", "dev", device);
        JsonNode rx = json(r).path(0).path("stats64").path("rx");
        // iproute2 names the kernel's rx_otherhost_dropped "otherhost" in its JSON.
        OptionalLong value = rx.has("otherhost") ? OptionalLong.of(rx.get("otherhost").asLong())
                : kernelHasOtherhostCounter() ? OptionalLong.of(0) : OptionalLong.empty();
        return new Seen<>(value, "ip -s -s link show dev " + device);
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

    /** `ip route get ADDRESS`, as one line of iproute2 text. */
    static Seen<String> routeGet(Remote shell, String address) {
        CommandResult r = shell.run("ip", "route", "get", address);
        String text = (r.ok() ? r.stdout() : r.stderr()).strip().lines().findFirst().orElse("");
        return new Seen<>(text.replaceAll("\\s+", " "), "ip route get " + address);
    }

    /** The routes through a device in the main table, as `dst via gateway` strings. */
    static Seen<List<String>> routesVia(Remote shell, String device) throws LabException {
        CommandResult r = shell.run("ip", "-j", "route", "show", "dev", device);
        List<String> routes = new ArrayList<>();
        for (JsonNode route : json(r)) {
            routes.add(route.path("dst").asText() + (route.has("gateway") ? " via " + route.get("gateway").asText() : ""));
        }
        return new Seen<>(routes, "ip route show dev " + device);
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
