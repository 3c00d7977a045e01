package dev.vxlab.detectors.spi;

import java.util.Objects;

/**
 * How flannel is configured on the cluster, as far as the dataplane shows it.
 *
 * @param vni          the VXLAN network identifier (flannel's default 1; the device is {@code flannel.<vni>})
 * @param port         the VXLAN UDP port (flannel's default 8472, the Linux kernel's legacy port)
 * @param vtepDevice   the VXLAN device's name
 * @param bridgeDevice the CNI bridge's name
 */
public record FlannelConfig(int vni, int port, String vtepDevice, String bridgeDevice) {
    /** flannel's defaults: VNI 1, port 8472, flannel.1, cni0. */
    public static final FlannelConfig DEFAULT = new FlannelConfig(1, 8472, "flannel.1", "cni0");

    public FlannelConfig {
        if (vni < 0 || vni > 0xFFFFFF) {
            throw new IllegalArgumentException("a VNI is 0..16777215, not " + vni);
        }
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("a UDP port is 1..65535, not " + port);
        }
        if (Objects.requireNonNull(vtepDevice, "vtepDevice").isBlank()
                || Objects.requireNonNull(bridgeDevice, "bridgeDevice").isBlank()) {
            throw new IllegalArgumentException("device names must not be blank");
        }
    }

    /** flannel's vxlan backend with another VNI: the device is then {@code flannel.<vni>}. */
    public static FlannelConfig withVni(int vni) {
        return new FlannelConfig(vni, DEFAULT.port(), "flannel." + vni, DEFAULT.bridgeDevice());
    }
}
