package dev.vxlab.detectors.advertised;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.detectors.addr.MacAddress;
import java.util.Objects;

/**
 * What flannel published for one node: its Kubernetes Node's {@code spec.podCIDR} and flannel's annotations.
 *
 * @param name              metadata.name
 * @param podCidr           spec.podCIDR, the node's pod subnet (10.187.N.0/24)
 * @param publicIp          flannel.alpha.coreos.com/public-ip: the VTEP's underlay address peers send VXLAN to
 * @param vtepMac           VtepMAC in flannel.alpha.coreos.com/backend-data: the MAC peers put in the inner frames
 * @param backendType       flannel.alpha.coreos.com/backend-type ("vxlan")
 * @param kubeSubnetManager flannel.alpha.coreos.com/kube-subnet-manager
 */
public record AdvertisedNode(String name, Ipv4Prefix podCidr, Ipv4 publicIp, MacAddress vtepMac, String backendType,
                             boolean kubeSubnetManager) {

    public AdvertisedNode {
        if (Objects.requireNonNull(name, "name").isBlank()) {
            throw new IllegalArgumentException("a node needs a name");
        }
        Objects.requireNonNull(podCidr, "podCidr");
        Objects.requireNonNull(publicIp, "publicIp");
        Objects.requireNonNull(vtepMac, "vtepMac");
        Objects.requireNonNull(backendType, "backendType");
    }

    /** The same node after flanneld re-published another VtepMAC. */
    public AdvertisedNode withVtepMac(MacAddress mac) {
        return new AdvertisedNode(name, podCidr, publicIp, mac, backendType, kubeSubnetManager);
    }

    /** The address flannel's vxlan backend gives the node's VTEP device: the subnet's network address, as a /32. */
    public Ipv4Prefix vtepAddress() {
        return new Ipv4Prefix(podCidr.network(), 32);
    }
}
