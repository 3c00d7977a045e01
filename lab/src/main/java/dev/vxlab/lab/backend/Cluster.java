package dev.vxlab.lab.backend;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.flannel.FlannelControl;
import dev.vxlab.lab.spec.ClusterSpec;
import java.util.List;

/** A running cluster. Closing it removes every namespace, device and process it made. */
public interface Cluster extends AutoCloseable {

    ClusterSpec spec();

    LabRun run();

    BackendInfo info();

    List<ClusterNode> nodes();

    List<ClusterPod> pods();

    /** How this backend runs the pods' servers when the lab does not use the fast path. */
    dev.vxlab.lab.pods.PodWorkload workload();

    /** The flannel of this cluster: real flanneld behind the backend, or vxlab's emulation. */
    FlannelControl flannel();

    /** Finds a node by name, index or IP; the exception lists the valid names. */
    default ClusterNode node(String nameOrIndex) throws LabException {
        String name;
        try {
            name = spec().node(nameOrIndex).name();
        } catch (IllegalArgumentException e) {
            throw new LabException(e.getMessage());
        }
        return nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    @Override
    void close();
}
