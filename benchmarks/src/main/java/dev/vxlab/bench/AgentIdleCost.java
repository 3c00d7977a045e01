package dev.vxlab.bench;

import dev.vxlab.agent.MockApi;
import dev.vxlab.agent.ShippedJvm;
import dev.vxlab.detectors.advertised.NodeListWriter;
import dev.vxlab.detectors.testkit.FlannelNamespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The agent's steady-state cost as deployed: {@code dev.vxlab.agent.Main} as a JVM of its own, with the image entry
 * point's flags and the DaemonSet's JAVA_TOOL_OPTIONS (read from those files, {@link ShippedJvm}), its default timer,
 * on the agent's own class path (agent/target, as the image has it), watching an idle field-sized node
 * ({@link FlannelNamespace}) whose Node objects, with flannel's annotations, fabric8's API mock serves in CRUD mode.
 * After it is ready and has settled, its CPU (utime + stime of every thread, /proc/PID/stat, what {@code ps} reads) is
 * taken over the measured window, with each thread's share and the passes its /metrics counted.
 */
final class AgentIdleCost {
    /** USER_HZ: /proc's clock ticks per second (100 on every Linux architecture the agent ships for). */
    private static final double TICKS_PER_SECOND = 100;
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);
    /** The API mock logs every request at INFO; held here so the level set on it is not lost with the logger. */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    /**
     * @param settled         how long the agent ran after /readyz said 200 before the window
     * @param measured        the window
     * @param ticks           the whole JVM's CPU in the window, in clock ticks
     * @param percent         that as a share of one core
     * @param busiestThreads  thread name to ticks in the window, busiest first (threads with none left out)
     * @param passesInWindow  the agent's passes counted in the window (vxlab_passes_total), or -1 if not read
     * @param passesByTrigger every pass since the start, by trigger, as /metrics said at the end
     * @param timerMillis     the agent's default --interval-ms
     * @param flags           the entry point's JVM flags and JAVA_TOOL_OPTIONS as the agent was given them
     */
    record Result(Duration settled, Duration measured, long ticks, double percent, Map<String, Long> busiestThreads,
                  long passesInWindow, Map<String, Long> passesByTrigger, long timerMillis, ShippedJvm flags) {}

    private AgentIdleCost() {}

    static Result measure(Duration settle, Duration window) throws Exception {
        Path home = Path.of(System.getProperty("vxlab.home", "."));
        ShippedJvm jvm = ShippedJvm.read(home);
        String classPath = agentClassPath(home);
        long timerMillis = Long.parseLong(new picocli.CommandLine(new dev.vxlab.agent.Main()).getCommandSpec()
                .findOption("--interval-ms").defaultValue());
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        FlannelNamespace node = BenchNamespaces.create("agent", 4);
        Path dir = null;
        KubernetesMockServer api = null;
        Process agent = null;
        try {
            dir = Files.createTempDirectory("vxlab-agent-cost");
            api = new KubernetesMockServer(new Context(io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()),
                    new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of()), false);
            api.init();
            try (KubernetesClient client = api.createClient()) {
                // the node and its peers as flannel's kube subnet manager annotates them (the lab's own writer)
                MockApi.publish(client, NodeListWriter.defaults().write(node.view().nodes()));
                Path kubeconfig = dir.resolve("kubeconfig");
                Files.writeString(kubeconfig, MockApi.kubeconfig(client.getMasterUrl().toString()));
                int port = freePort();
                List<String> cmd = new ArrayList<>();
                cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(jvm.entryPoint());
                cmd.addAll(List.of("-cp", classPath, dev.vxlab.agent.Main.class.getName(), "--node-name",
                        node.nodeName(), "--netns", node.namespace(), "--kubeconfig", kubeconfig.toString(),
                        "--listen", "127.0.0.1:" + port, "--nm-config", dir.resolve("no-networkmanager").toString()));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("agent.log").toFile());
                pb.environment().put("JAVA_TOOL_OPTIONS", jvm.javaToolOptions()); // as the DaemonSet passes them
                agent = pb.start();
                long pid = agent.pid();
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
                URI base = URI.create("http://127.0.0.1:" + port);
                awaitReady(agent, http, base, dir.resolve("agent.log"));
                Thread.sleep(settle);
                long passes0 = passes(http, base).values().stream().mapToLong(Long::longValue).sum();
                Map<String, Long> threads0 = threadTicks(pid);
                long cpu0 = cpuTicks(pid);
                long t0 = System.nanoTime();
                Thread.sleep(window);
                long cpu1 = cpuTicks(pid);
                long wall = System.nanoTime() - t0;
                Map<String, Long> threads1 = threadTicks(pid);
                // read after the window so the scrape's own CPU is not in it
                Map<String, Long> byTrigger = passes(http, base);
                long passes1 = byTrigger.values().stream().mapToLong(Long::longValue).sum();
                Map<String, Long> busiest = new java.util.LinkedHashMap<>();
                threads1.entrySet().stream()
                        .map(e -> Map.entry(e.getKey(), e.getValue() - threads0.getOrDefault(e.getKey(), 0L)))
                        .filter(e -> e.getValue() > 0)
                        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                        .forEach(e -> busiest.merge(e.getKey(), e.getValue(), Long::sum));
                long ticks = cpu1 - cpu0;
                double percent = 100.0 * ticks / TICKS_PER_SECOND / (wall / 1e9);
                return new Result(settle, Duration.ofNanos(wall), ticks, percent, busiest, passes1 - passes0,
                        byTrigger, timerMillis, jvm);
            }
        } finally {
            try {
                if (agent != null) {
                    agent.destroy(); // SIGTERM to its PID: the agent's hook closes its sockets and informer
                    if (!agent.waitFor(10, TimeUnit.SECONDS)) {
                        agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                }
            } finally {
                try {
                    if (api != null) {
                        api.destroy();
                    }
                } finally {
                    node.delete();
                    if (dir != null) {
                        deleteTree(dir);
                    }
                }
            }
        }
    }

    /** The agent's runtime class path as its module's build wrote it (`package`), not the bench's larger one. */
    private static String agentClassPath(Path home) throws IOException {
        Path classes = home.resolve("agent/target/classes");
        Path deps = home.resolve("agent/target/classpath.txt");
        if (!Files.isDirectory(classes) || !Files.isRegularFile(deps)) {
            throw new IOException("the agent is not built: no " + classes + " or " + deps
                    + " (./mvnw -pl benchmarks -am package builds it)");
        }
        return classes + java.io.File.pathSeparator + Files.readString(deps).strip();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitReady(Process agent, HttpClient http, URI base, Path log) throws Exception {
        HttpRequest ready = HttpRequest.newBuilder(base.resolve("/readyz")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!agent.isAlive()) {
                throw new IllegalStateException("the agent exited with " + agent.exitValue() + ":\n"
                        + Files.readString(log));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the agent was not ready within " + READY_WITHIN.toSeconds() + " s:\n"
                + Files.readString(log));
    }

    /** vxlab_passes_total by trigger, from /metrics. */
    private static Map<String, Long> passes(HttpClient http, URI base) throws Exception {
        String body = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Long> out = new java.util.TreeMap<>();
        var sample = java.util.regex.Pattern.compile("vxlab_passes_total\\{trigger=\"([^\"]+)\"} (\\S+)");
        body.lines().map(sample::matcher).filter(java.util.regex.Matcher::matches)
                .forEach(m -> out.put(m.group(1), (long) Double.parseDouble(m.group(2))));
        return out;
    }

    /** Each thread's utime + stime, by name (threads of one name summed: the JVM's C1 and GC workers). */
    private static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> out = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    out.merge(name, ticks(Files.readString(task.resolve("stat"))), Long::sum);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // the thread ended
                }
            }
        }
        return out;
    }

    private static long cpuTicks(long pid) throws IOException {
        return ticks(Files.readString(Path.of("/proc/" + pid + "/stat")));
    }

    /** utime + stime (fields 14 and 15 of a stat line; the name in parentheses may hold spaces). */
    private static long ticks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
