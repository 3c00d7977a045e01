package dev.vxlab.lab.pods;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.remote.FileRoot;
import dev.vxlab.detectors.remote.NamespaceRemote;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.lab.LabException;
import dev.vxlab.lab.backend.ClusterPod;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.probe.Probe;
import dev.vxlab.lab.probe.Probe.DnsQuery.Transport;
import dev.vxlab.lab.probe.ProbeOutcome;
import dev.vxlab.lab.probe.ProbeRequest;
import dev.vxlab.lab.probe.ProbeResult;
import dev.vxlab.lab.probe.ProbeSource;
import dev.vxlab.lab.probe.Prober;
import dev.vxlab.lab.spec.PodPlan;
import dev.vxlab.lab.testnet.LabNetwork;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pod's servers as a process of their own, started through the pod's remote and stopped by their PID. */
@Kernel
class ProcessWorkloadTest {
    private static final DnsZone ZONE = DnsZone.kubernetes("cluster1.local", Ipv4.parse("10.186.0.1"),
            Ipv4.parse("10.186.0.2"));

    @TempDir
    Path dir;

    private record Pod(PodPlan plan, Remote remote) implements ClusterPod {
        @Override
        public Optional<Path> netnsFastPath() {
            return Optional.empty();
        }
    }

    private Remote remote(LabNetwork net, String host) {
        return new NamespaceRemote(host, net.host(host).namespace(), new FileRoot(dir.resolve(host)));
    }

    @Test
    void aCoreDnsPodServesDnsAndMetricsFromItsOwnProcessUntilClosed() throws Exception {
        try (LabNetwork net = LabNetwork.create("pod", "node")) {
            Ipv4 ip = net.host("pod").ip();
            ProbeSource node = ProbeSource.overRemote("node", remote(net, "node"));
            List<ProbeRequest> requests = List.of(new ProbeRequest(node, Probe.HttpGet.metrics(ip)),
                    new ProbeRequest(node, new Probe.DnsQuery(ip, "kubernetes.default.svc.cluster1.local", Transport.UDP)),
                    new ProbeRequest(node, new Probe.DnsQuery(ip, "kubernetes.default.svc.cluster1.local", Transport.TCP)));
            Prober prober = new Prober(Duration.ofSeconds(2));

            ProcessWorkload.PodServerProcess server = new ProcessWorkload(LabRun.random(dir))
                    .start(new Pod(new PodPlan("n0", "coredns", ip, true), remote(net, "pod")), ZONE);
            List<ProbeResult> serving;
            try (server) {
                assertThat(ProcessHandle.of(server.pid())).as("the ready line's PID is a live process").isPresent();
                serving = prober.runAll(requests);
            }
            List<ProbeResult> stopped = prober.runAll(requests);

            assertThat(serving).extracting(ProbeResult::detail)
                    .containsExactly("HTTP 200, 19491 bytes", "NOERROR 10.186.0.1", "NOERROR 10.186.0.1");
            assertThat(ProcessHandle.of(server.pid()).filter(ProcessHandle::isAlive)).as("stopped by its PID").isEmpty();
            assertThat(stopped).extracting(ProbeResult::outcome).containsOnly(ProbeOutcome.REFUSED);
        }
    }

    @Test
    void aServerThatCannotBindFailsWithItsOwnWords() throws Exception {
        try (LabNetwork net = LabNetwork.create("pod")) {
            Pod pod = new Pod(new PodPlan("n0", "app", net.unusedIp(), false), remote(net, "pod"));

            assertThatThrownBy(() -> new ProcessWorkload(LabRun.random(dir)).start(pod, ZONE))
                    .isInstanceOf(LabException.class)
                    .hasMessageContaining("the servers of pod " + pod.plan().label() + " exited (1)")
                    .hasMessageContaining("Cannot assign requested address");
        }
    }

    @Test
    void argumentsRoundTripAndBadOnesAreOneSentence() {
        PodServerArgs coreDns = PodServerArgs.coreDns(Ipv4.parse("10.187.1.24"), ZONE);

        assertThat(PodServerArgs.parse(coreDns.toArgs())).isEqualTo(coreDns);
        assertThat(PodServerArgs.parse(PodServerArgs.application(Ipv4.parse("10.187.1.2"), ZONE).toArgs()).dnsPort())
                .isEqualTo(OptionalInt.empty());
        assertThatThrownBy(() -> PodServerArgs.parse(List.of("--ip", "10.0.0.1", "--metrics-port", "70000")))
                .hasMessage("a port is 0..65535, not '70000'");
        assertThatThrownBy(() -> PodServerArgs.parse(List.of("--ip")))
                .hasMessage("--ip needs a value");
    }
}
