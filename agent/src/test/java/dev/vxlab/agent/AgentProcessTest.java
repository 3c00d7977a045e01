package dev.vxlab.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.spi.FaultIds;
import dev.vxlab.detectors.testkit.Kernel;
import dev.vxlab.lab.fault.Fault;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as the image runs it: its own JVM through {@code Main.main}, with the DaemonSet's JVM flags, on a lab
 * node's namespace and the mock API server: ready, the MAC drift on /metrics and in its log, and SIGTERM ends it
 * (the shutdown hook waits for the loop to close its sockets and informer, not for a timeout).
 */
@Kernel
@EnableKubernetesMockClient(crud = true)
class AgentProcessTest {
    static KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void theStandaloneAgentReportsTheFaultAndStopsOnSigterm() throws Exception {
        try (AgentOnLab on = new AgentOnLab(dir, client, false, false, Set.of())) {
            on.agent.stop(); // the in-process agent only published the lab; this test's agent is a JVM of its own
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            String netns = on.lab.cluster().nodes().getFirst().netnsFastPath().orElseThrow().getFileName().toString();
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED"));
            cmd.addAll(AgentCostMeasurement.JVM_FLAGS);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "--node-name",
                    on.node, "--netns", netns, "--kubeconfig", dir.resolve("kubeconfig").toString(), "--listen",
                    "127.0.0.1:" + port, "--nm-config", dir.resolve("none").toString()));
            Path log = dir.resolve("agent.log");
            Process agent = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                URI base = URI.create("http://127.0.0.1:" + port);
                on.await("the agent process is ready", () -> status(http, base.resolve("/readyz")) == 200);
                on.lab.inject(new Fault.VtepMacDrift(on.node, Optional.empty()));
                on.await("its /metrics show vtep-mac-drift", () -> body(http, base.resolve("/metrics")).lines()
                        .anyMatch(l -> l.startsWith("vxlab_findings{") && l.contains(FaultIds.VTEP_MAC_DRIFT)));
                on.await("its log says so", () -> Files.readString(log).contains("+ " + FaultIds.VTEP_MAC_DRIFT
                        + " flannel.1"));
                assertThat(Files.readString(log)).contains("vxlab agent: node " + on.node + " (netns " + netns + ")")
                        .contains("read-only");

                agent.destroy(); // SIGTERM, as kubelet stops a pod
                assertThat(agent.waitFor(AgentOnLab.WAIT.toSeconds(), TimeUnit.SECONDS)).as("ended on SIGTERM\n"
                        + Files.readString(log)).isTrue();
                assertThat(agent.exitValue()).as("the JVM's exit on SIGTERM").isEqualTo(143);
                assertThat(Files.readString(log)).doesNotContain("Exception");
            } finally {
                if (agent.isAlive()) {
                    agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static int status(HttpClient http, URI uri) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException notYet) {
            return 0;
        }
    }

    private static String body(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
