package dev.vxlab.agent;

import dev.vxlab.agent.fix.FixRate;
import dev.vxlab.detectors.advertised.NodeListReader;
import dev.vxlab.lab.Lab;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.backend.netns.NetnsBackend;
import dev.vxlab.lab.spec.ClusterSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A netns lab whose Node objects live in an API server (the test's fabric8 mock in CRUD mode), published as flannel
 * publishes them, and an agent watching one lab node's namespace, talking to that API server through a kubeconfig.
 */
final class AgentOnLab implements AutoCloseable {
    static final ClusterSpec SPEC = ClusterSpec.field(3);
    /** Bounded waits for things that happen in the background (not timed assertions: the bound only ends a hang). */
    static final Duration WAIT = Duration.ofSeconds(30);

    final Lab lab;
    final KubernetesClient api;
    final String node;
    final Agent agent;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final Thread thread;
    private volatile Throwable failure;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    AgentOnLab(Path dir, KubernetesClient api, boolean nodeCondition, boolean events, Set<String> fixes)
            throws Exception {
        this(dir, api, nodeCondition, events, fixes, true, Duration.ofMillis(200));
    }

    AgentOnLab(Path dir, KubernetesClient api, boolean nodeCondition, boolean events, Set<String> fixes,
            boolean published) throws Exception {
        this(dir, api, nodeCondition, events, fixes, published, Duration.ofMillis(200));
    }

    /**
     * @param published whether the lab's Node objects are published before the agent starts; if not, this returns
     *                  once the agent says it waits for its node's advertisement (its HTTP endpoints answer)
     * @param interval  the agent's timer ({@code --interval-ms})
     */
    AgentOnLab(Path dir, KubernetesClient api, boolean nodeCondition, boolean events, Set<String> fixes,
            boolean published, Duration interval) throws Exception {
        this.api = api;
        this.lab = Lab.start(new NetnsBackend(), SPEC, LabRun.random(dir.resolve("lab")));
        try {
            this.node = SPEC.nodes().getFirst().name();
            if (published) {
                publish();
            }
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, MockApi.kubeconfig(api.getMasterUrl().toString()));
            String netns = lab.cluster().nodes().getFirst().netnsFastPath().orElseThrow().getFileName().toString();
            AgentConfig config = new AgentConfig(node, Optional.of(netns), Optional.of(kubeconfig),
                    new InetSocketAddress("127.0.0.1", 0), nodeCondition, events, fixes, FixRate.parse("1/5m"),
                    interval, Optional.empty(), dir.resolve("no-networkmanager"));
            this.agent = new Agent(config, new PrintStream(log, true, StandardCharsets.UTF_8));
            this.thread = Thread.ofPlatform().name("agent-under-test").start(() -> {
                try {
                    agent.run();
                } catch (Throwable t) {
                    failure = t;
                }
            });
            if (!published) {
                await("the agent waits for its node's advertisement", () -> log().contains("waiting for it"));
                return;
            }
            if (!agent.awaitStarted(WAIT) || failure != null) {
                throw new IllegalStateException("the agent did not start: " + failure + "\n" + log());
            }
            await("/readyz answers 200", () -> get("/readyz").statusCode() == 200);
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    /** What flannel does on the API server: each node's annotations and podCIDR from the lab's published leases. */
    void publish() throws Exception {
        String list = Files.readString(lab.flannel().nodeListFile());
        if (NodeListReader.read(list).nodes().isEmpty()) {
            throw new IllegalStateException("the lab published no leases");
        }
        MockApi.publish(api, list);
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpAddress().getPort() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The lines of /metrics that are samples of this metric (not its HELP or TYPE). */
    List<String> samples(String metric) throws Exception {
        return get("/metrics").body().lines().filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
                .toList();
    }

    void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            if (failure != null) {
                throw new AssertionError("the agent failed while waiting until " + what + ": " + failure, failure);
            }
            try {
                if (check.holds()) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // the agent's HTTP server may not accept yet on a loaded machine: ask again until the deadline
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what + "\nagent log:\n" + log());
            }
            Thread.sleep(50);
        }
    }

    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        try {
            agent.stop();
            thread.join(WAIT.toMillis());
        } finally {
            lab.close();
        }
    }

}
