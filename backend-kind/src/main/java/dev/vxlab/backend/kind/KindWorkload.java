package dev.vxlab.backend.kind;

import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.ClusterPod;
import dev.vxlab.lab.pods.DnsZone;
import dev.vxlab.lab.pods.PodWorkload;
import dev.vxlab.lab.spec.ClusterSpec;
import java.time.Duration;
import java.util.List;

/**
 * On kind the pods' servers are Kubernetes' own (CoreDNS, the httpd DaemonSet of {@link WorkloadManifest}), running
 * before the lab asks: starting one is making sure it answers from inside its pod, and stopping it is nothing (the
 * cluster's deletion ends them).
 */
final class KindWorkload implements PodWorkload {
    private static final Duration READY = Duration.ofSeconds(120);

    @Override
    public AutoCloseable start(ClusterPod pod, DnsZone zone) throws LabException {
        String ip = pod.plan().ip().toString();
        long deadline = System.nanoTime() + READY.toNanos();
        while (true) {
            CommandResult http = pod.remote().run("curl", "-sf", "-o", "/dev/null", "-m", "5",
                    "http://" + ip + ":" + ClusterSpec.METRICS_PORT + "/metrics");
            boolean dns = !pod.plan().dns() || pod.remote().run(List.of("dig", "+short", "+time=2", "+tries=1",
                    "@" + ip, "kubernetes.default.svc." + zone.domain())).stdout().strip().matches("[0-9.]+");
            if (http.ok() && dns) {
                return () -> {};
            }
            if (System.nanoTime() > deadline) {
                throw new LabException("pod " + pod.plan().label() + " does not answer on " + ip + " (HTTP :"
                        + ClusterSpec.METRICS_PORT + (pod.plan().dns() ? ", DNS :53" : "") + ") after "
                        + READY.toSeconds() + " s");
            }
            KindClusterBuilder.pause(Duration.ofSeconds(1));
        }
    }
}
