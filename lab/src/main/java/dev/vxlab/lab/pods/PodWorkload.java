package dev.vxlab.lab.pods;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.ClusterPod;

/**
 * What runs in a cluster's pods: CoreDNS stand-ins (DNS on 53/UDP+TCP and the :9153 metrics body) and application
 * pods' metrics endpoints. Each backend provides its own (processes started through the pod's remote, a container's
 * dnsmasq, ...); the netns fast path runs the servers on threads of this JVM inside the pods' namespaces.
 */
public interface PodWorkload {

    /** Starts the pod's servers and returns once they answer; closing the handle stops them. */
    AutoCloseable start(ClusterPod pod, DnsZone zone) throws LabException;
}
