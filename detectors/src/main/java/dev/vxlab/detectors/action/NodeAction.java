package dev.vxlab.detectors.action;

import dev.vxlab.detectors.remote.Commands;
import java.time.Duration;
import java.util.List;

/**
 * One thing done to a node: a node-local command, a restart of the node's flanneld, a file written on the node, or a
 * wait until a check command succeeds. Fix plans and faults (and their heals) are lists of these. Every action prints
 * as what a person would type on a real node; an {@link Actuator} applies it through the node's remote.
 */
public sealed interface NodeAction {

    /** The action as a command line for a real node. */
    String render(String node);

    /** A node-local command, e.g. {@code ip route replace 10.187.1.0/24 via 10.187.1.0 dev flannel.1 onlink}. */
    record Run(List<String> argv) implements NodeAction {
        public Run {
            argv = List.copyOf(argv);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("a command needs at least a program");
            }
        }

        public static Run of(String... argv) {
            return new Run(List.of(argv));
        }

        @Override
        public String render(String node) {
            return Commands.render(argv);
        }
    }

    /**
     * Restart the node's flanneld: it re-reads the VXLAN device (re-creating an incompatible one), re-publishes its
     * VtepMAC, and every flanneld re-programs its entries. On a real cluster that is deleting the node's flannel pod.
     */
    record RestartFlanneld() implements NodeAction {
        /** The kubectl command that restarts a real node's flanneld (its DaemonSet starts a new pod). */
        public List<String> kubectl(String node) {
            return List.of("kubectl", "-n", "kube-flannel", "delete", "pod", "-l", "app=flannel", "--field-selector",
                    "spec.nodeName=" + node);
        }

        @Override
        public String render(String node) {
            return Commands.render(kubectl(node));
        }
    }

    /** Write a file on the node (absolute path on the node), e.g. a NetworkManager drop-in. */
    record WriteFile(String path, String content) implements NodeAction {
        public WriteFile {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("a file on the node needs an absolute path, not " + path);
            }
        }

        @Override
        public String render(String node) {
            return "cat > " + path + " <<'EOF'\n" + content + (content.endsWith("\n") ? "" : "\n") + "EOF";
        }
    }

    /**
     * Run {@code check} on the node again and again until it exits 0, failing once {@code timeout} has passed: what
     * follows a restart that finishes on its own time (a new flannel pod programming its device).
     */
    record WaitUntil(List<String> check, Duration timeout) implements NodeAction {
        /** How long to pause between two checks. */
        public static final Duration INTERVAL = Duration.ofMillis(200);

        public WaitUntil {
            check = List.copyOf(check);
            if (check.isEmpty()) {
                throw new IllegalArgumentException("a check needs at least a program");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("a wait needs a positive timeout, not " + timeout);
            }
        }

        @Override
        public String render(String node) {
            String seconds = timeout.toMillis() % 1000 == 0 ? Long.toString(timeout.toSeconds())
                    : String.format(java.util.Locale.ROOT, "%.1f", timeout.toMillis() / 1000.0);
            return "timeout " + seconds + " sh -c " + Commands.render(List.of(
                    "until " + Commands.render(check) + "; do sleep " + INTERVAL.toMillis() / 1000.0 + "; done"));
        }
    }
}
