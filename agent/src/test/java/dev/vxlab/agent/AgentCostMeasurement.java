package dev.vxlab.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.testkit.Kernel;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one agent costs, measured (not asserted: a figure for docs/agent.md): the agent as its own JVM, with the
 * DaemonSet's flags, on an idle lab node: its RSS, its CPU over 60 s from /proc (what `ps` reads), and the latency of a
 * scrape of /metrics. Run with {@code -Dvxlab.agent.measure=true}; off in a normal run (it takes a minute).
 */
@Kernel
@EnableKubernetesMockClient(crud = true)
class AgentCostMeasurement {
    /**
     * The JVM flags of the image's entry point and deploy/agent/daemonset.yaml (JAVA_TOOL_OPTIONS), or
     * -Dvxlab.agent.jvmFlags="..." to compare.
     */
    static final List<String> JVM_FLAGS = List.of(System.getProperty("vxlab.agent.jvmFlags",
            "-XX:-UsePerfData -XX:+UseSerialGC -Xmx64m -Xss512k -XX:TieredStopAtLevel=1 -XX:+UseCompactObjectHeaders"
                    + " -XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=10000"
                    + " -XX:ServiceThreadCleanupInterval=60000 -Dsun.net.httpserver.clockTick=60000"
                    + " -Dsun.net.httpserver.idleInterval=120 -Djdk.internal.httpclient.selectorTimeout=60000")
            .split(" "));
    /** Extra agent options to compare, e.g. -Dvxlab.agent.args="--interval-ms 10000". */
    static final List<String> AGENT_ARGS = System.getProperty("vxlab.agent.args", "").isBlank() ? List.of()
            : List.of(System.getProperty("vxlab.agent.args").strip().split(" "));
    /** How long the agent runs before the measured minute: start-up's compilation must be over (steady state). */
    static final long SETTLE_SECONDS = Long.getLong("vxlab.agent.settleSeconds", 60);
    static KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void idleAgentCost() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("vxlab.agent.measure"), "a measurement: -Dvxlab.agent.measure=true");
        try (AgentOnLab on = new AgentOnLab(dir, client, false, false, Set.of())) {
            on.agent.stop(); // the in-process agent only published the lab; the measured one is a JVM of its own
            Path kubeconfig = dir.resolve("kubeconfig");
            String netns = on.lab.cluster().nodes().getFirst().netnsFastPath().orElseThrow().getFileName().toString();
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElseThrow());
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.addAll(JVM_FLAGS);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "--node-name",
                    on.node, "--netns", netns, "--kubeconfig", kubeconfig.toString(), "--listen", "127.0.0.1:19465",
                    "--nm-config", dir.resolve("none").toString()));
            cmd.addAll(AGENT_ARGS);
            Process agent = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("agent.log").toFile()).start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:19465/readyz")).build();
                on.await("the agent JVM is ready", () -> {
                    try {
                        return http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                Thread.sleep(SETTLE_SECONDS * 1000); // past start-up's compilation
                java.util.Map<String, Long> threads0 = threadTicks(agent.pid());
                long cpu0 = cpuTicks(agent.pid());
                long t0 = System.nanoTime();
                Thread.sleep(60_000);
                long cpu1 = cpuTicks(agent.pid());
                java.util.Map<String, Long> threads1 = threadTicks(agent.pid());
                StringBuilder busiest = new StringBuilder();
                threads1.entrySet().stream().map(e -> java.util.Map.entry(e.getKey(),
                                e.getValue() - threads0.getOrDefault(e.getKey(), 0L)))
                        .filter(e -> e.getValue() > 0).sorted(java.util.Map.Entry.comparingByValue(
                                java.util.Comparator.reverseOrder()))
                        .forEach(e -> busiest.append(e.getKey()).append('=').append(e.getValue()).append(' '));
                System.out.println("agent threads' ticks over the minute: " + busiest + "; load "
                        + Files.readString(Path.of("/proc/loadavg")).strip());
                double seconds = (System.nanoTime() - t0) / 1e9;
                double share = (cpu1 - cpu0) / 100.0 / seconds * 100; // USER_HZ = 100
                HttpRequest metrics = HttpRequest.newBuilder(URI.create("http://127.0.0.1:19465/metrics")).build();
                // what woke the watcher since it started (events on an "idle" node are neighbor state changes)
                System.out.println("agent passes: " + String.join(", ", http.send(metrics,
                        HttpResponse.BodyHandlers.ofString()).body().lines()
                        .filter(l -> l.startsWith("vxlab_passes_total{")).toList()));
                List<Long> micros = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    long s = System.nanoTime();
                    HttpResponse<String> r = http.send(metrics, HttpResponse.BodyHandlers.ofString());
                    micros.add((System.nanoTime() - s) / 1000);
                    assertThat(r.statusCode()).isEqualTo(200);
                }
                Collections.sort(micros);
                long rssKb = Files.readAllLines(Path.of("/proc/" + agent.pid() + "/status")).stream()
                        .filter(l -> l.startsWith("VmRSS:")).map(l -> Long.parseLong(l.replaceAll("\\D", "")))
                        .findFirst().orElseThrow();
                System.out.printf("agent cost: RSS %d MB, idle CPU %.3f%% of a core over %.0f s (%d ticks), "
                                + "scrape p50 %d us p99 %d us, flags %s, options %s%n", rssKb / 1024, share, seconds,
                        cpu1 - cpu0, micros.get(100), micros.get(197), JVM_FLAGS, AGENT_ARGS);
            } finally {
                agent.destroy();
                if (!agent.waitFor(10, TimeUnit.SECONDS)) {
                    agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Each thread's utime + stime by "name/tid". */
    private static java.util.Map<String, Long> threadTicks(long pid) throws java.io.IOException {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(name + "/" + task.getFileName(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // the thread ended
                }
            }
        }
        return out;
    }

    /** utime + stime of the process, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
