package dev.vxlab.lab.spec;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;

/**
 * One node of a planned cluster: its Kubernetes node name, underlay (public) IP, pod subnet (flannel's lease) and
 * the MAC its VXLAN device starts with, which flannel then advertises as VtepMAC.
 */
public record NodePlan(int index, String name, Ipv4 publicIp, Ipv4Prefix subnet, MacAddress vtepMac) {

    /** flannel.1's own address: the subnet's network address, as a /32. */
    public Ipv4 vtepAddress() {
        return subnet.network();
    }

    /** cni0's address: the first host of the subnet. */
    public Ipv4Prefix bridgeAddress() {
        return new Ipv4Prefix(subnet.host(1), subnet.length());
    }
}
