package dev.vxlab.lab.flannel;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;

/** What flannel publishes for one node: its subnet lease and VXLAN endpoint (the four node annotations). */
public record Lease(String node, Ipv4 publicIp, Ipv4Prefix subnet, MacAddress vtepMac, String backendType) {

    public Lease withVtepMac(MacAddress mac) {
        return new Lease(node, publicIp, subnet, mac, backendType);
    }

    /** The peer's flannel.1 address, which other nodes route its subnet through. */
    public Ipv4 vtepAddress() {
        return subnet.network();
    }
}
