package dev.vxlab.nodedoctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.advertised.NodeListWriter;
import dev.vxlab.detectors.testkit.FlannelNamespace;
import dev.vxlab.detectors.testkit.Kernel;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `vxlab doctor --netns NAME --watch` on a real namespace: a route delete and a MAC change are printed as they happen,
 * from netlink events (the counter interval is an hour), and so is the repair.
 */
@Kernel
class NodeDoctorWatchTest {
    private static final long LIVENESS_MILLIS = 10_000;

    @TempDir
    Path dir;

    /** Collects printed lines. */
    private static final class Lines extends OutputStream {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }

        String awaitContaining(String text) throws InterruptedException {
            while (true) {
                String l = lines.poll(LIVENESS_MILLIS, TimeUnit.MILLISECONDS);
                assertThat(l).as("a line with '%s'", text).isNotNull();
                if (l.contains(text)) {
                    return l;
                }
            }
        }
    }

    @Test
    void watchPrintsEachFindingAsTheKernelChangesAndAsItIsRepaired() throws Exception {
        String ns = "vxwt" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        FlannelNamespace node = FlannelNamespace.create(ns, 2);
        Thread watching = null;
        try {
            Path nodes = dir.resolve("nodes.json");
            Files.writeString(nodes, NodeListWriter.defaults().write(node.view().nodes()));
            NodeDoctor doctor = NodeDoctor.open(ns, node.nodeName(), nodes, null, dir.resolve("nm"));
            Lines out = new Lines();
            watching = Thread.ofPlatform().start(() -> {
                try {
                    doctor.watch(Duration.ofHours(1), new PrintStream(out, true, StandardCharsets.UTF_8));
                } catch (Exception e) {
                    out.lines.add("FAILED " + e);
                }
            });
            assertThat(out.awaitContaining("watching node")).contains("on every netlink change");

            String peer = node.peer(1).podCidr().toString();
            FlannelNamespace.run(List.of("ip", "-n", ns, "route", "del", peer), "");
            assertThat(out.awaitContaining("missing-peer-route")).matches("\\d\\d:\\d\\d:\\d\\d.* \\+ missing-peer-route flannel.1: .*");
            FlannelNamespace.run(List.of("ip", "-n", ns, "route", "add", peer, "via",
                    node.peer(1).podCidr().network().toString(), "dev", "flannel.1", "onlink"), "");
            assertThat(out.awaitContaining("missing-peer-route")).contains("- cleared missing-peer-route flannel.1");

            FlannelNamespace.run(List.of("ip", "-n", ns, "link", "set", "flannel.1", "address", "b6:9b:ed:b0:37:74"), "");
            assertThat(out.awaitContaining("vtep-mac-drift")).contains("+ vtep-mac-drift flannel.1").contains("b6:9b:ed:b0:37:74");
        } finally {
            if (watching != null) {
                watching.interrupt();
                watching.join(LIVENESS_MILLIS);
            }
            node.delete();
        }
    }
}
