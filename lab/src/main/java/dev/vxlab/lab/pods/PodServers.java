package dev.vxlab.lab.pods;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.netns.NetnsExecutor;
import java.io.IOException;

/**
 * Everything a CoreDNS pod answers on, started inside the pod's network namespace: DNS on 53/UDP+TCP and metrics on
 * 9153/TCP, both bound to the pod IP. Closing stops both, their threads included.
 */
public final class PodServers implements AutoCloseable {
    private final DnsServer dns;
    private final MetricsServer metrics;

    private PodServers(DnsServer dns, MetricsServer metrics) {
        this.dns = dns;
        this.metrics = metrics;
    }

    /** Starts on the standard ports 53 and 9153. */
    public static PodServers start(NetnsExecutor pod, Ipv4 podIp, DnsZone zone) throws IOException {
        return start(pod, podIp, DnsServer.PORT, MetricsServer.PORT, zone);
    }

    public static PodServers start(NetnsExecutor pod, Ipv4 podIp, int dnsPort, int metricsPort, DnsZone zone)
            throws IOException {
        DnsServer dns = DnsServer.start(pod, podIp, dnsPort, zone);
        try {
            return new PodServers(dns, MetricsServer.start(pod, podIp, metricsPort));
        } catch (IOException | RuntimeException e) {
            dns.close();
            throw e;
        }
    }

    public DnsServer dns() {
        return dns;
    }

    public MetricsServer metrics() {
        return metrics;
    }

    /** Whether every socket is closed and every server thread has ended. */
    boolean stopped() {
        return dns.stopped() && metrics.stopped();
    }

    @Override
    public void close() {
        try (dns) {
            metrics.close();
        }
    }
}
