package dev.vxlab.agent;

import dev.vxlab.agent.fix.FixRate;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What one agent does, parsed and checked.
 *
 * @param nodeName        this node's name (its Node object)
 * @param netns           the named network namespace to watch, or empty for the agent's own (the host's, with
 *                        hostNetwork)
 * @param kubeconfig      a kubeconfig file, or empty for fabric8's own search (KUBECONFIG, ~/.kube/config, in-cluster)
 * @param listen          where /metrics, /healthz and /readyz answer
 * @param nodeCondition   whether to write the FlannelDataplaneHealthy condition on this Node
 * @param events          whether to post Events on findings that appear or clear
 * @param fixes           the fix ids the agent may apply (empty: read-only)
 * @param fixRate         how often it may
 * @param counterInterval how often counters are read (otherhost drops change without any netlink event)
 * @param subnetEnv       flannel's subnet.env, or empty for /run/flannel/subnet.env on the host when it exists
 * @param nmConfig        NetworkManager's configuration directory
 */
public record AgentConfig(String nodeName, Optional<String> netns, Optional<Path> kubeconfig, InetSocketAddress listen,
                          boolean nodeCondition, boolean events, Set<String> fixes, FixRate fixRate,
                          Duration counterInterval, Optional<Path> subnetEnv, Path nmConfig) {
    public static final int DEFAULT_PORT = 9465;

    public AgentConfig {
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(netns, "netns");
        Objects.requireNonNull(kubeconfig, "kubeconfig");
        Objects.requireNonNull(listen, "listen");
        fixes = Set.copyOf(fixes);
        Objects.requireNonNull(fixRate, "fixRate");
        Objects.requireNonNull(counterInterval, "counterInterval");
        Objects.requireNonNull(subnetEnv, "subnetEnv");
        Objects.requireNonNull(nmConfig, "nmConfig");
    }

    /** The namespace file the netlink sockets are opened in. */
    public Path namespaceFile() {
        return netns.map(n -> Path.of("/run/netns", n)).orElse(Path.of("/proc/self/ns/net"));
    }

    /** {@code HOST:PORT}, {@code :PORT} (every address) or {@code [v6]:PORT}. */
    public static InetSocketAddress parseListen(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--listen '" + text + "' is not HOST:PORT (e.g. 0.0.0.0:" + DEFAULT_PORT + ")");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen '" + text + "' has no port number after the colon", e);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--listen '" + text + "': port " + port + " is not in 0..65535");
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }
}
