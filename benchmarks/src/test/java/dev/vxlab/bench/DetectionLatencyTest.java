package dev.vxlab.bench;

import dev.vxlab.detectors.testkit.Kernel;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.testkit.FlannelNamespace;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/** The latency harness's fault channel: a command ip refuses fails the measurement with ip's own message. */
@Kernel
class DetectionLatencyTest {

    @Test
    void aFaultThatIpRefusesFailsWithIpsMessageNotAWatcherTimeout() throws Exception {
        FlannelNamespace node = BenchNamespaces.create("err", 1);
        try (DetectionLatency.IpBatch ip = DetectionLatency.IpBatch.start(node.namespace())) {
            ip.send("route del 10.99.0.0/24\n"); // no such route
            // No watcher at all: without ip's message this would wait out the liveness timeout.
            assertThatThrownBy(() -> DetectionLatency.await(new LinkedBlockingQueue<>(), p -> true, ip))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("route del 10.99.0.0/24")
                    .hasMessageContaining("RTNETLINK answers")
                    .hasMessageNotContaining("watcher stopped");
        } finally {
            node.delete();
        }
    }
}
