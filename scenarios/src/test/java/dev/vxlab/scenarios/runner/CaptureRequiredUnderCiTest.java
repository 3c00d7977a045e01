package dev.vxlab.scenarios.runner;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.lab.LabException;
import dev.vxlab.lab.RequireAll;
import dev.vxlab.lab.backend.BackendInfo;
import dev.vxlab.lab.backend.Capability;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.pods.PodWorkload;
import dev.vxlab.lab.spec.NodePlan;
import dev.vxlab.lab.backend.Cluster;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.ClusterPod;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.flannel.FlannelControl;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.scenarios.file.ScenarioParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture step where nothing can capture: on a laptop it is skipped with its expectations (the report says so);
 * under CI ({@code CI=true} or {@code -Dvxlab.requireAll=true}) the step cannot run, so the run stops naming tcpdump
 * instead of passing without the capture's expectations. The netns backend here reports that it cannot capture, which
 * is what a machine without tcpdump (or a rootless sandbox without newuidmap) looks like to the runner.
 */
@Kernel
class CaptureRequiredUnderCiTest {
    private static final String SCENARIO = """
            description: a capture with an expectation, on a backend that cannot capture
            cluster: {backend: netns, profile: field, nodes: 2}
            steps:
              - capture:
                  node: 0
                  device: flannel.1
                  expect: {syn-retransmissions: false}
              - expect-healthy
            """;

    @Test
    void underRequireAllAnUnavailableCaptureStopsTheRunNamingTcpdump(@TempDir Path dir) throws Exception {
        String before = System.getProperty(RequireAll.PROPERTY);
        System.setProperty(RequireAll.PROPERTY, "true");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            assertThatThrownBy(() -> new ScenarioRunner(new CannotCapture(), dir, out)
                    .play(ScenarioParser.parse(SCENARIO, "capture.yaml", "capture")))
                    .isInstanceOf(LabException.class)
                    .hasMessageContaining("line 4: capture: tcpdump: packet capture is required here")
                    .hasMessageContaining("-D" + RequireAll.PROPERTY + "=true");
        } finally {
            if (before == null) {
                System.clearProperty(RequireAll.PROPERTY);
            } else {
                System.setProperty(RequireAll.PROPERTY, before);
            }
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain("capture skipped");
        assertThat(dir.resolve("report.json")).content().contains("the step runs", "tcpdump");
    }

    /** The netns backend, saying that it cannot capture packets. */
    private static final class CannotCapture implements ClusterBackend {
        private final NetnsBackend netns = new NetnsBackend();

        @Override
        public String name() {
            return netns.name();
        }

        @Override
        public BackendInfo info() throws LabException {
            return netns.info().without(Capability.PACKET_CAPTURE);
        }

        @Override
        public Cluster create(ClusterSpec spec, LabRun run, LabOptions options) throws LabException {
            Cluster cluster = netns.create(spec, run, options);
            return new Cluster() {
                @Override
                public ClusterSpec spec() {
                    return cluster.spec();
                }

                @Override
                public LabRun run() {
                    return cluster.run();
                }

                @Override
                public BackendInfo info() {
                    return cluster.info().without(Capability.PACKET_CAPTURE);
                }

                @Override
                public List<ClusterNode> nodes() {
                    return cluster.nodes();
                }

                @Override
                public List<ClusterPod> pods() {
                    return cluster.pods();
                }

                @Override
                public PodWorkload workload() {
                    return cluster.workload();
                }

                @Override
                public FlannelControl flannel() {
                    return cluster.flannel();
                }

                @Override
                public void close() {
                    cluster.close();
                }
            };
        }

        @Override
        public Cluster attach(ClusterSpec spec, LabRun run, LabOptions options) throws LabException {
            throw new LabException("not for this test");
        }

        @Override
        public List<String> nodeCommand(LabRun run, NodePlan node, List<String> argv) {
            return netns.nodeCommand(run, node, argv);
        }

        @Override
        public List<String> list() throws LabException {
            return netns.list();
        }

        @Override
        public void delete(String prefix) throws LabException {
            netns.delete(prefix);
        }
    }
}
