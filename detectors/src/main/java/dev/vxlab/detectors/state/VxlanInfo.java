package dev.vxlab.detectors.state;

import dev.vxlab.detectors.addr.Ipv4;
import java.util.Objects;
import java.util.Optional;

/**
 * The VXLAN attributes of a link whose kind is {@code vxlan} (IFLA_VXLAN_*).
 *
 * @param vni      IFLA_VXLAN_ID
 * @param local    IFLA_VXLAN_LOCAL, the source address of encapsulated packets; empty when unset
 * @param port     IFLA_VXLAN_PORT, the UDP destination port (flannel uses 8472)
 * @param learning IFLA_VXLAN_LEARNING (flannel turns it off)
 * @param underlay IFLA_VXLAN_LINK, the device encapsulated packets leave through; empty when unset (named "ifN" when
 *                 index N is not a link of this namespace)
 */
public record VxlanInfo(int vni, Optional<Ipv4> local, int port, boolean learning, Optional<LinkRef> underlay) {

    public VxlanInfo {
        if (vni < 0 || vni > 0xFFFFFF) {
            throw new IllegalArgumentException("a VNI is 0..16777215, not " + vni);
        }
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("a UDP port is 0..65535, not " + port);
        }
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(underlay, "underlay");
    }

    @Override
    public String toString() {
        return "vxlan id " + vni + local.map(ip -> " local " + ip).orElse("")
                + underlay.map(dev -> " dev " + dev).orElse("") + " dstport " + port
                + (learning ? "" : " nolearning");
    }
}
