package dev.vxlab.lab.flannel;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.spec.ClusterSpec;
import java.nio.file.Path;
import java.util.List;

/** Writes the leases in the real formats: nodes.json (kubectl get nodes -o json) and NODE/run/flannel/subnet.env. */
public final class FlannelFiles {
    private final ClusterSpec spec;

    public FlannelFiles(ClusterSpec spec) {
        this.spec = spec;
    }

    public Path nodeListFile(Path directory) {
        return directory.resolve("nodes.json");
    }

    public Path subnetEnvFile(Path directory, String node) {
        return directory.resolve("nodes").resolve(node).resolve("run/flannel/subnet.env");
    }

    List<Lease> read(Path directory) throws LabException {
        // TODO(merge): NodeListReader
        return List.of();
    }

    void write(Path directory, List<Lease> leases) throws LabException {
        // TODO(merge): NodeListWriter + SubnetEnv from detectors.advertised
    }
}
