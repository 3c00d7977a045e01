package dev.vxlab.backend.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.ProcessRunner;
import dev.vxlab.lab.backend.Capability;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.ClusterPod;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.pods.DnsZone;
import dev.vxlab.lab.spec.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A 3-node arm64 cluster of the field's profile: built, its dataplane carries pod traffic, its servers answer. */
@org.junit.jupiter.api.Tag("kernel") // boots VMs inside the sandbox
class QemuClusterTest {

    @Test
    void threeArm64NodesCarryPodTrafficOverVxlanAndServeTheClusterDns() throws Exception {
        BootedVm.imageOrSkip();
        ClusterSpec spec = ClusterSpec.field(3);
        Path directory = Files.createTempDirectory("vxlab-qemu-cluster-");
        LabRun run = LabRun.random(directory);
        QemuBackend backend = new QemuBackend();
        List<Long> qemuPids = new ArrayList<>();
        try (QemuCluster cluster = (QemuCluster) backend.create(spec, run, LabOptions.REMOTE_ONLY)) {
            assertThat(cluster.info().architecture()).isEqualTo("aarch64");
            assertThat(cluster.info().has(Capability.NETNS_FAST_PATH)).isFalse();
            for (ClusterNode node : cluster.nodes()) {
                assertThat(node.netnsFastPath()).isEmpty();
                assertThat(node.remote().run("uname", "-m").stdout().strip()).isEqualTo("aarch64");
                qemuPids.add(((QemuCluster.Node) node).vm().pid());
            }
            assertThat(backend.list()).contains(run.prefix());

            // every pod reaches every pod on the other nodes through flannel.1
            for (ClusterPod from : cluster.pods()) {
                for (ClusterPod to : cluster.pods()) {
                    if (!from.plan().node().equals(to.plan().node())) {
                        CommandResult ping = from.remote().run("ping", "-c", "1", "-W", "5", to.plan().ip().toString());
                        assertThat(ping.exitCode()).as("%s -> %s: %s", from.plan().label(), to.plan().label(),
                                ping.stdout() + ping.stderr()).isZero();
                    }
                }
            }

            DnsZone zone = DnsZone.kubernetes(spec.clusterDomain(), spec.serviceNetwork().host(1), spec.dnsServiceIp());
            List<AutoCloseable> servers = new ArrayList<>();
            for (ClusterPod pod : cluster.pods()) {
                servers.add(cluster.workload().start(pod, zone));
            }
            ClusterPod client = cluster.pods().stream().filter(p -> !p.plan().dns()).findFirst().orElseThrow();
            ClusterPod dns = spec.dnsPods().stream().map(p -> cluster.pods().stream()
                    .filter(c -> c.plan().equals(p)).findFirst().orElseThrow()).findFirst().orElseThrow();
            CommandResult body = client.remote().run("curl", "-s", "-o", "/dev/null", "-w", "%{size_download}",
                    "http://" + dns.plan().ip() + ":9153/metrics");
            assertThat(body.stdout()).isEqualTo("19491");
            String name = "kubernetes.default.svc." + spec.clusterDomain();
            // The Service DNATs to each CoreDNS pod in turn: twice per transport from every app pod reaches both,
            // including one on the client's own cni0 (the reply is bridged, and must still come from the Service).
            for (ClusterPod pod : cluster.pods().stream().filter(p -> !p.plan().dns()).toList()) {
                for (String transport : List.of("+notcp", "+notcp", "+tcp", "+tcp")) {
                    CommandResult answer = pod.remote().run("dig", transport, "+short", "+time=3", "+tries=1",
                            "@" + spec.dnsServiceIp(), name);
                    assertThat(answer.stdout().strip()).as("%s %s: %s", pod.plan().label(), transport,
                            answer.stdout() + answer.stderr()).isEqualTo(spec.serviceNetwork().host(1).toString());
                }
            }
            CommandResult nx = client.remote().run("dig", "+time=3", "+tries=2", "@" + dns.plan().ip(),
                    "nosuch.svc." + spec.clusterDomain());
            assertThat(nx.stdout()).contains("NXDOMAIN");
            for (AutoCloseable server : servers) {
                server.close();
            }
            assertThat(Files.readString(directory.resolve("qemu").resolve(spec.nodes().getFirst().name()
                    + ".console.log"))).contains("VXLAB-INIT");
        }
        for (long pid : qemuPids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
        assertThat(backend.list()).doesNotContain(run.prefix());
        assertThat(ProcessRunner.run(List.of("ip", "netns", "list"), Duration.ofSeconds(5)).stdout())
                .doesNotContain(run.prefix());
    }
}
