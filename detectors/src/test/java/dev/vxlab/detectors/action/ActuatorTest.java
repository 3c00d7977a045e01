package dev.vxlab.detectors.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.RemoteException;
import dev.vxlab.detectors.remote.RemoteProcess;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The actuator against a scripted remote: order, batching, files, flanneld, waits (on a clock it advances itself). */
class ActuatorTest {

    /** A node whose commands answer from a script and whose files live in a map. */
    static final class ScriptedNode implements NodeHandle {
        final List<String> ran = new ArrayList<>();
        final List<List<List<String>>> batches = new ArrayList<>();
        final Map<String, String> files = new LinkedHashMap<>();
        final List<String> restarts = new ArrayList<>();
        Function<List<String>, Integer> exit = argv -> 0;

        final Remote remote = new Remote() {
            @Override
            public String name() {
                return "node-a";
            }

            @Override
            public CommandResult run(Command command) {
                ran.add(String.join(" ", command.argv()));
                int code = exit.apply(command.argv());
                return new CommandResult(command.argv(), code, "", code == 0 ? "" : "RTNETLINK answers: No such device");
            }

            @Override
            public List<CommandResult> runAll(List<List<String>> commands)
                    throws dev.vxlab.detectors.remote.CommandFailedException {
                batches.add(commands);
                return Remote.super.runAll(commands);
            }

            @Override
            public RemoteProcess start(List<String> argv, Map<String, String> env) throws RemoteException {
                throw new RemoteException("no processes on a scripted node");
            }

            @Override
            public void put(String path, byte[] content) {
                files.put(path, new String(content, StandardCharsets.UTF_8));
            }

            @Override
            public Optional<byte[]> get(String path) {
                return Optional.ofNullable(files.get(path)).map(s -> s.getBytes(StandardCharsets.UTF_8));
            }
        };

        @Override
        public String name() {
            return "node-a";
        }

        @Override
        public Remote remote() {
            return remote;
        }

        @Override
        public List<String> restartFlanneld() {
            restarts.add("restarted after " + ran.size() + " commands");
            return List.of("flanneld restarted");
        }

        @Override
        public String filePath(String nodePath) {
            return nodePath.replace("/etc/NetworkManager/", "/tmp/nm/");
        }
    }

    /** A clock that moves only when the actuator pauses. */
    static final class StepClock {
        long nanos;

        Actuator actuator() {
            return new Actuator(() -> nanos, d -> nanos += d.toNanos());
        }
    }

    @Test
    void appliesInOrderBatchingRunsOfCommandsBetweenOtherActions() throws Exception {
        ScriptedNode node = new ScriptedNode();
        List<NodeAction> actions = List.of(
                NodeAction.Run.of("ip", "link", "set", "dev", "flannel.1", "up"),
                NodeAction.Run.of("ip", "route", "flush", "dev", "flannel.1"),
                new NodeAction.WriteFile("/etc/NetworkManager/conf.d/k8s.conf", "[keyfile]\n"),
                new NodeAction.RestartFlanneld(),
                NodeAction.Run.of("sysctl", "-w", "net.ipv4.ip_forward=1"));

        List<Applied> done = new StepClock().actuator().apply(node, actions);

        assertThat(done).extracting(Applied::action).containsExactlyElementsOf(actions);
        assertThat(done).extracting(Applied::commandLine).containsExactly(
                "ip link set dev flannel.1 up", "ip route flush dev flannel.1",
                "cat > /etc/NetworkManager/conf.d/k8s.conf <<'EOF'\n[keyfile]\nEOF",
                "kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName=node-a",
                "sysctl -w net.ipv4.ip_forward=1");
        assertThat(node.batches).as("runs of commands go to runAll together").hasSize(2);
        assertThat(node.batches.getFirst()).hasSize(2);
        assertThat(node.files).as("the handle decides where a node file lands")
                .containsEntry("/tmp/nm/conf.d/k8s.conf", "[keyfile]\n");
        assertThat(node.restarts).containsExactly("restarted after 2 commands");
    }

    @Test
    void aFailingCommandStopsTheRestAndSaysWhichAndWhy() {
        ScriptedNode node = new ScriptedNode();
        node.exit = argv -> argv.contains("nosuch0") ? 1 : 0;
        assertThatThrownBy(() -> new StepClock().actuator().apply(node, List.of(
                NodeAction.Run.of("ip", "link", "set", "dev", "nosuch0", "down"),
                new NodeAction.RestartFlanneld())))
                .isInstanceOf(ActionException.class)
                .hasMessage("'ip link set dev nosuch0 down' exited 1: RTNETLINK answers: No such device");
        assertThat(node.restarts).isEmpty();
    }

    @Test
    void waitUntilChecksAgainUntilTheCheckPasses() throws Exception {
        ScriptedNode node = new ScriptedNode();
        int[] calls = {0};
        node.exit = argv -> ++calls[0] < 4 ? 1 : 0;
        StepClock clock = new StepClock();
        NodeAction wait = new NodeAction.WaitUntil(List.of("ip", "link", "show", "dev", "flannel.1"), Duration.ofSeconds(10));

        List<Applied> done = clock.actuator().apply(node, List.of(wait));

        assertThat(node.ran).hasSize(4).allMatch(c -> c.equals("ip link show dev flannel.1"));
        assertThat(clock.nanos).as("three pauses").isEqualTo(3 * NodeAction.WaitUntil.INTERVAL.toNanos());
        assertThat(done).singleElement().extracting(Applied::commandLine)
                .isEqualTo("timeout 10 sh -c 'until ip link show dev flannel.1; do sleep 0.2; done'");
    }

    @Test
    void waitUntilGivesUpAfterItsTimeoutWithTheLastError() {
        ScriptedNode node = new ScriptedNode();
        node.exit = argv -> 1;
        StepClock clock = new StepClock();
        assertThatThrownBy(() -> clock.actuator().apply(node,
                List.of(new NodeAction.WaitUntil(List.of("ip", "link", "show", "dev", "flannel.1"), Duration.ofSeconds(1)))))
                .isInstanceOf(ActionException.class)
                .hasMessage("'ip link show dev flannel.1' did not succeed within 1000 ms "
                        + "(last: RTNETLINK answers: No such device)");
        assertThat(node.ran).as("checked once at the start and after every pause up to the deadline").hasSize(6);
    }

    @Test
    void realNodeRestartsFlanneldWithKubectlWhereKubectlRuns() throws Exception {
        ScriptedNode nodeShell = new ScriptedNode();
        ScriptedNode kubectl = new ScriptedNode();
        RealNode real = new RealNode(nodeShell.remote(), kubectl.remote());
        new StepClock().actuator().apply(real, List.of(new NodeAction.RestartFlanneld()));
        assertThat(nodeShell.ran).isEmpty();
        assertThat(kubectl.ran).containsExactly(
                "kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName=node-a");

        kubectl.exit = argv -> 1;
        assertThatThrownBy(() -> new StepClock().actuator().apply(real, List.of(new NodeAction.RestartFlanneld())))
                .isInstanceOf(ActionException.class).hasMessageContaining("kubectl -n kube-flannel delete pod")
                .hasMessageContaining("RTNETLINK answers: No such device");
    }
}
