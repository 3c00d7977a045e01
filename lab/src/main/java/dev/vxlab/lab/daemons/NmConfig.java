package dev.vxlab.lab.daemons;

import java.util.Arrays;
import java.util.Optional;

/**
 * NetworkManager configuration variants a lab node can run with, each one drop-in under
 * {@code /etc/NetworkManager/conf.d/} (the node's own copy, which the doctor reads too).
 */
public enum NmConfig {
    /** The package's configuration, nothing added. */
    DEFAULT("default", ""),
    /** The field's preventive drop-in: NetworkManager leaves flannel's and the CNI's devices alone. */
    UNMANAGED_FLANNEL("unmanaged-flannel", """
            [keyfile]
            unmanaged-devices=interface-name:flannel*;interface-name:cni0;interface-name:veth*
            """),
    /** Every connection NetworkManager activates gets a random MAC (the field bug's MAC change). */
    CLONED_MAC_RANDOM("cloned-mac-random", """
            [connection]
            ethernet.cloned-mac-address=random
            """),
    /** Every connection NetworkManager activates sets the device's MTU from its profile. */
    ETHERNET_MTU("ethernet-mtu", """
            [connection]
            ethernet.mtu=1400
            """),
    /** NetworkManager takes over devices at start without keeping what it found on them. */
    KEEP_CONFIGURATION_NO("keep-configuration-no", """
            [device]
            keep-configuration=no
            """),
    /**
     * Not a drop-in: the node's underlay (eth0) as a node's installer configures it, a keyfile profile with its static
     * address and gateway (filled in from the node, see {@link #render}). Without one, NetworkManager started with
     * keep-configuration=no would take eth0's address too (it tries DHCP), which no real node's profile does.
     */
    UNDERLAY_PROFILE("underlay-profile", """
            [connection]
            id=vxlab-underlay
            type=ethernet
            interface-name=%DEVICE%
            autoconnect=true

            [ipv4]
            method=manual
            address1=%ADDRESS%

            [ipv6]
            method=disabled
            """);

    private final String id;
    private final String content;

    NmConfig(String id, String content) {
        this.id = id;
        this.content = content;
    }

    public String id() {
        return id;
    }

    /** The drop-in's text; empty for the default. */
    public String content() {
        return content;
    }

    /**
     * The drop-in's node path: numbered so the field's unmanaged-devices file reads last and wins; the underlay's
     * profile is a connection keyfile instead.
     */
    public String dropIn() {
        if (this == UNDERLAY_PROFILE) {
            return "/etc/NetworkManager/system-connections/vxlab-underlay.nmconnection";
        }
        return "/etc/NetworkManager/conf.d/" + (this == UNMANAGED_FLANNEL ? "90" : "50") + "-vxlab-" + id + ".conf";
    }

    /**
     * The file's text for a node whose underlay is {@code device} with {@code address} (CIDR) and, if any,
     * {@code gateway}; the drop-ins are the same on every node.
     */
    public String render(String device, String address, Optional<String> gateway) {
        return content.replace("%DEVICE%", device)
                .replace("%ADDRESS%", address + gateway.map(g -> "," + g).orElse(""));
    }

    public static Optional<NmConfig> byId(String id) {
        return Arrays.stream(values()).filter(c -> c.id.equals(id)).findFirst();
    }

    public static String ids() {
        return String.join(", ", Arrays.stream(values()).map(NmConfig::id).toList());
    }
}
