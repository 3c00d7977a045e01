package dev.vxlab.lab.flannel;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.lab.LabException;
import java.nio.file.Path;
import java.util.List;

/** The flannel of a cluster, whether real flanneld or vxlab's emulation of it. */
public interface FlannelControl {

    /** The leases as currently published (what `kubectl get nodes -o json` would show). */
    List<AdvertisedNode> leases();

    default AdvertisedNode lease(String node) {
        return leases().stream().filter(l -> l.name().equals(node)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no lease for node " + node));
    }

    /** Where the published NodeList (kubectl get nodes -o json) is. */
    Path nodeListFile();

    /** Where flanneld writes its node's lease for the CNI plugin, on every node (read through the node's remote). */
    String SUBNET_ENV = "/run/flannel/subnet.env";

    /**
     * Does what restarting flanneld on the node does: re-create or reconfigure its VXLAN device, re-read the device's
     * MAC, re-publish the lease, and re-program this node's peer entries and every peer's entries for this node.
     */
    RestartResult restart(String node) throws LabException;

    /** What a restart saw and did. */
    record RestartResult(String node, String previousVtepMac, String vtepMac, List<String> commands) {
        public boolean republishedNewMac() {
            return !previousVtepMac.equals(vtepMac);
        }
    }
}
