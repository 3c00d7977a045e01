package dev.vxlab.lab.flannel;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.advertised.AdvertisedViewException;
import dev.vxlab.detectors.advertised.NodeListReader;
import dev.vxlab.detectors.advertised.NodeListWriter;
import dev.vxlab.detectors.advertised.SubnetEnv;
import dev.vxlab.detectors.addr.Ipv4Prefix;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.spec.ClusterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The leases in the two real formats the doctor reads: {@code nodes.json} as {@code kubectl get nodes -o json}
 * prints it, and {@code /run/flannel/subnet.env} as flanneld writes it on each node (through the node's remote).
 */
public final class FlannelFiles {
    private final ClusterSpec spec;

    public FlannelFiles(ClusterSpec spec) {
        this.spec = spec;
    }

    public Path nodeListFile(Path directory) {
        return directory.resolve("nodes.json");
    }

    /**
     * The node's subnet.env as flanneld writes it: the network, this node's subnet (its .1), the MTU, and ip-masq off:
     * the emulation is flanneld without --ip-masq (it writes no masquerade rules, so the doctor must not expect them).
     */
    public String subnetEnv(AdvertisedNode lease) {
        return new SubnetEnv(spec.podNetwork(), new Ipv4Prefix(lease.podCidr().host(1), lease.podCidr().length()),
                spec.vxlanMtu(), false).toFileText();
    }

    List<AdvertisedNode> read(Path directory) throws LabException {
        Path file = nodeListFile(directory);
        try {
            return NodeListReader.read(Files.readString(file)).nodes();
        } catch (IOException e) {
            throw new LabException("cannot read the published leases " + file + ": " + e.getMessage(), e);
        } catch (AdvertisedViewException e) {
            throw new LabException(file + ": " + e.getMessage(), e);
        }
    }

    void write(Path directory, List<AdvertisedNode> leases) throws LabException {
        try {
            Files.createDirectories(directory);
            // Replace atomically: another vxlab process may be reading the lab's leases right now.
            Path file = nodeListFile(directory);
            Path partial = directory.resolve(".nodes.json.partial");
            Files.writeString(partial, NodeListWriter.defaults().write(leases));
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LabException("cannot publish the leases in " + directory + ": " + e.getMessage(), e);
        }
    }
}
