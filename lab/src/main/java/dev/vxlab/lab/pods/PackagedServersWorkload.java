package dev.vxlab.lab.pods;

import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.RemoteException;
import dev.vxlab.detectors.remote.RemoteProcess;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.ClusterPod;
import dev.vxlab.lab.spec.ClusterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pods' servers as programs of the node's own packages, for backends whose nodes are machines of their own (VMs,
 * node containers) reached through a remote: busybox httpd serving the field's 19491-byte metrics body on :9153 (every
 * pod), and for CoreDNS pods dnsmasq answering the cluster zone on 53/UDP and TCP (authoritative for the domain:
 * names it does not know are NXDOMAIN, nothing is forwarded).
 */
public final class PackagedServersWorkload implements PodWorkload {
    private static final Duration READY = Duration.ofSeconds(60);

    @Override
    public AutoCloseable start(ClusterPod pod, DnsZone zone) throws LabException {
        Remote remote = pod.remote();
        String ip = pod.plan().ip().toString();
        String www = "/run/vxlab-www/" + dev.vxlab.lab.backend.PodNamespaces.namespace(pod.plan());
        List<RemoteProcess> started = new ArrayList<>();
        try {
            byte[] body = MetricsServer.body();
            remote.put(www + "/metrics", body);
            remote.put(www + "/index.html", body);
            started.add(remote.start(List.of("busybox", "httpd", "-f", "-p", ip + ":" + ClusterSpec.METRICS_PORT,
                    "-h", www)));
            if (pod.plan().dns()) {
                started.add(remote.start(dnsmasq(ip, zone)));
            }
            awaitReady(pod, remote, ip, zone, started);
        } catch (RemoteException | LabException e) {
            started.forEach(p -> p.stop(Duration.ofSeconds(1)));
            throw e instanceof LabException lab ? lab : new LabException(e.getMessage(), e);
        }
        return () -> started.forEach(p -> p.stop(Duration.ofSeconds(2)));
    }

    private static List<String> dnsmasq(String ip, DnsZone zone) {
        List<String> argv = new ArrayList<>(List.of("dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts",
                "--no-poll", "--bind-interfaces", "--listen-address=" + ip, "--port=" + ClusterSpec.DNS_PORT,
                "--user=root", "--group=root", "--pid-file", "--cache-size=0",
                "--local=/" + zone.domain() + "/"));
        for (Map.Entry<String, dev.vxlab.detectors.addr.Ipv4> record : zone.addresses().entrySet()) {
            argv.add("--host-record=" + record.getKey() + "," + record.getValue());
        }
        return argv;
    }

    /** Polls the servers from inside the pod until they answer (or a server died, which is said with its stderr). */
    private static void awaitReady(ClusterPod pod, Remote remote, String ip, DnsZone zone, List<RemoteProcess> servers)
            throws LabException {
        long deadline = System.nanoTime() + READY.toNanos();
        String name = zone.addresses().keySet().stream().findFirst().orElse(zone.domain());
        while (true) {
            for (RemoteProcess server : servers) {
                if (!server.alive()) {
                    throw new LabException("pod " + pod.plan().label() + "'s " + server.argv().getFirst()
                            + " exited: " + server.stderrSoFar().strip());
                }
            }
            CommandResult http = remote.run("curl", "-sf", "-o", "/dev/null", "-m", "5",
                    "http://" + ip + ":" + ClusterSpec.METRICS_PORT + "/metrics");
            boolean dnsOk = !pod.plan().dns() || (remote.run("dig", "+short", "+time=2", "+tries=1", "@" + ip, name)
                    .stdout().strip().matches("[0-9.]+")
                    && remote.run("dig", "+tcp", "+short", "+time=2", "+tries=1", "@" + ip, name).stdout().strip()
                    .matches("[0-9.]+"));
            if (http.ok() && dnsOk) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new LabException("pod " + pod.plan().label() + "'s servers did not answer within "
                        + READY.toSeconds() + " s");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while starting pod " + pod.plan().label(), e);
            }
        }
    }
}
