package dev.vxlab.detectors.fix;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One step of a fix: a node-local command, a restart of the node's flanneld, or a file written on the node. Every
 * step prints as what a person would type on a real node; whoever applies it decides how to reach the node.
 */
public sealed interface FixStep {

    /** The step as a command line for a real node. */
    String render(String node);

    /** A node-local command, e.g. {@code ip route replace 10.187.1.0/24 via 10.187.1.0 dev flannel.1 onlink}. */
    record Run(List<String> argv) implements FixStep {
        private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

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
            StringBuilder out = new StringBuilder();
            for (String arg : argv) {
                out.append(out.isEmpty() ? "" : " ")
                        .append(SAFE.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'");
            }
            return out.toString();
        }
    }

    /**
     * Restart the node's flanneld: it re-reads the VXLAN device (re-creating an incompatible one), re-publishes its
     * VtepMAC, and every flanneld re-programs its entries. On a real cluster that is deleting the node's flannel pod.
     */
    record RestartFlanneld() implements FixStep {
        @Override
        public String render(String node) {
            return "kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName=" + node;
        }
    }

    /** Write a file on the node (absolute path on the node), e.g. a NetworkManager drop-in. */
    record WriteFile(String path, String content) implements FixStep {
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
}
