package dev.vxlab.scenarios.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.addr.MacAddress;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.capture.CapturePoint;
import dev.vxlab.lab.capture.PacketCapture;
import dev.vxlab.lab.capture.PcapSummary;
import dev.vxlab.lab.fault.FaultCatalog;
import dev.vxlab.lab.probe.Probe;
import dev.vxlab.lab.probe.ProbeOutcome;
import dev.vxlab.lab.probe.ProbeResult;
import dev.vxlab.lab.probe.Prober;
import dev.vxlab.lab.spec.PodPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The field's capture signature on any backend that can capture: SYN-ACKs to the stale MAC, SYNs retransmitted. */
final class ContractCapture {
    private ContractCapture() {}

    static void fieldSignature(Lab lab, Path directory, String faulty) throws Exception {
        ClusterNode node = lab.cluster().node(faulty);
        MacAddress advertised = lab.flannel().lease(node.name()).vtepMac();
        PodPlan target = lab.spec().pods().stream().filter(p -> !p.node().equals(node.name())).findFirst().orElseThrow();
        PacketCapture capture = PacketCapture.start(new CapturePoint(node.remote(), "flannel.1", node.name()),
                directory.resolve("contract-" + node.name() + ".pcap"), "tcp port 9153");
        PcapSummary summary;
        try {
            lab.inject(FaultCatalog.create("vtep-mac-drift", node.name(), Map.of(), lab.spec()));
            ProbeResult fetch = new Prober(Duration.ofSeconds(3)).run(lab.fromNode(node.name()),
                    Probe.HttpGet.metrics(target.ip()));
            assertThat(fetch.outcome()).as("the fetch across the drifted VTEP").isEqualTo(ProbeOutcome.TIMEOUT);
        } finally {
            summary = PcapSummary.read(capture.stop());
        }
        assertThat(summary.synAcksTo(advertised)).as("SYN-ACKs addressed to the advertised (stale) MAC "
                + advertised + "\n" + summary.render()).isNotEmpty();
        assertThat(summary.synRetransmissions()).as("SYNs retransmitted with the same seq\n" + summary.render())
                .isNotEmpty();
    }
}
