package dev.vxlab.lab.daemons;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import dev.vxlab.detectors.remote.RemoteProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A fix's `systemctl restart NetworkManager` on a lab node never reaches the node's (the machine's) systemctl. */
class ConfinedRemoteTest {
    /** Records what reaches the node; answers every command with success. */
    static final class Recording implements Remote {
        final List<List<String>> ran = new ArrayList<>();

        public String name() {
            return "n0";
        }

        public CommandResult run(Command command) {
            ran.add(command.argv());
            return new CommandResult(command.argv(), 0, "", "");
        }

        public RemoteProcess start(List<String> argv, Map<String, String> env) {
            throw new UnsupportedOperationException();
        }

        public void put(String path, byte[] content) {}

        public Optional<byte[]> get(String path) {
            return Optional.empty();
        }

        public String processPath(String nodePath) {
            return nodePath;
        }
    }

    @Test
    void restartingADaemonThatDoesNotRunIsAnErrorNotACommandForTheNode() {
        Recording node = new Recording();
        NodeDaemons daemons = new NodeDaemons(node, "n0");
        CommandResult result = daemons.remote().run(Command.of(List.of("systemctl", "restart", "NetworkManager")));
        assertThat(result.ok()).isFalse();
        assertThat(result.stderr()).isEqualTo("NetworkManager does not run on node n0");
        assertThat(node.ran).isEmpty();
    }

    @Test
    void otherCommandsGoToTheNodeUnchanged() {
        Recording node = new Recording();
        CommandResult result = new NodeDaemons(node, "n0").remote().run(Command.of(List.of("ip", "link", "show")));
        assertThat(result.ok()).isTrue();
        assertThat(node.ran).containsExactly(List.of("ip", "link", "show"));
    }
}
