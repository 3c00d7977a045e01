package dev.vxlab.lab.flannel;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.lab.LabException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lease store of the emulated kube-subnet-manager: the leases in memory, published to disk in the two real
 * formats the doctor reads: a {@code kubectl get nodes -o json} NodeList and each node's {@code subnet.env}.
 */
public final class LeaseRegistry {
    private final Path directory;
    private final FlannelFiles files;
    private List<AdvertisedNode> leases = List.of();

    public LeaseRegistry(Path directory, FlannelFiles files) {
        this.directory = directory;
        this.files = files;
    }

    /** The registry of a running lab, read back from its published NodeList. */
    public static LeaseRegistry load(Path directory, FlannelFiles files) throws LabException {
        LeaseRegistry registry = new LeaseRegistry(directory, files);
        registry.leases = files.read(directory);
        return registry;
    }

    public synchronized List<AdvertisedNode> leases() {
        return leases;
    }

    public synchronized AdvertisedNode lease(String node) {
        return leases.stream().filter(l -> l.name().equals(node)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no lease for node " + node));
    }

    public synchronized void publish(List<AdvertisedNode> all) throws LabException {
        leases = List.copyOf(all);
        files.write(directory, leases);
    }

    /** Replaces one node's lease (as flanneld's PATCH of its node annotations does) and re-publishes. */
    public synchronized void update(AdvertisedNode lease) throws LabException {
        List<AdvertisedNode> next = new ArrayList<>(leases);
        next.replaceAll(l -> l.name().equals(lease.name()) ? lease : l);
        publish(next);
    }

    public Path nodeListFile() {
        return files.nodeListFile(directory);
    }

}
