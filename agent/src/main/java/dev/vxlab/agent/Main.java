package dev.vxlab.agent;

import dev.vxlab.agent.fix.FixRate;
import dev.vxlab.nodedoctor.NodeDoctor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vxlab agent} (and standalone {@code dev.vxlab.agent.Main}, the container's entry point). Read-only unless
 * {@code --node-condition}, {@code --events} or {@code --fix} say otherwise. Exit codes: 0 stopped (SIGTERM), 2 bad
 * input or environment (one sentence).
 */
@Command(name = "agent", mixinStandardHelpOptions = true, version = "vxlab agent 0.1.0", sortOptions = false,
        description = {
                "Watch this node's flannel VXLAN dataplane on every netlink change, with the cluster's Node objects from "
                        + "the API server, and report findings as Prometheus metrics (and, when asked, a node condition, "
                        + "Events and allowed fixes).",
                "Exit codes: 0 stopped, 2 bad input or environment."})
public final class Main implements Callable<Integer> {
    static final int USAGE = 2;
    static final String FABRIC8_LOG = "org.slf4j.simpleLogger.log.io.fabric8";

    @Option(names = "--node-name", paramLabel = "NAME", defaultValue = "${env:NODE_NAME}",
            description = "This node's Node name (default: $NODE_NAME, set from spec.nodeName in the DaemonSet).")
    String nodeName;

    static final class Where {
        @Option(names = "--host", description = "Watch this process's own network namespace (the host's, with "
                + "hostNetwork; the default).")
        boolean host;

        @Option(names = "--netns", paramLabel = "NAME", description = "Watch the named network namespace (/run/netns/NAME).")
        String netns;
    }

    @ArgGroup(exclusive = true)
    Where where;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "A kubeconfig (default: $KUBECONFIG, "
            + "~/.kube/config, else the pod's service account).")
    Path kubeconfig;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:" + AgentConfig.DEFAULT_PORT,
            description = "Where /metrics, /healthz and /readyz answer (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--node-condition", description = "Write the Node status condition FlannelDataplaneHealthy "
            + "(needs nodes/status patch).")
    boolean nodeCondition;

    @Option(names = "--events", description = "Post an Event on the Node when a finding appears or clears (needs events "
            + "create).")
    boolean events;

    @Option(names = "--fix", paramLabel = "FIX", split = ",", description = "Apply these fixes (ids as `vxlab doctor "
            + "--fix` prints them) when their finding appears; none by default (needs CAP_NET_ADMIN).")
    Set<String> fixes = Set.of();

    @Option(names = "--fix-rate", paramLabel = "COUNT/DURATION", defaultValue = "1/5m",
            description = "At most this many fixes in any such window (default: ${DEFAULT-VALUE}).")
    String fixRate;

    // 10 s: every change is seen on its netlink event; the timer only reads counters (otherhost drops), re-reads
    // NetworkManager's facts and takes the full snapshot that checks the kept state, so a faster one costs CPU all day
    @Option(names = "--interval-ms", paramLabel = "MS", defaultValue = "10000", description = "How often counters "
            + "(otherhost drops) and NetworkManager's facts are read, in a full snapshot; changes are seen on their "
            + "netlink event (default: ${DEFAULT-VALUE}).")
    long intervalMs;

    @Option(names = "--subnet-env", paramLabel = "FILE", description = "flannel's subnet.env (default: "
            + "/run/flannel/subnet.env on the host when it exists).")
    Path subnetEnv;

    @Option(names = "--nm-config", paramLabel = "DIR", defaultValue = NodeDoctor.DEFAULT_NM_CONFIG,
            description = "NetworkManager's configuration directory (default: ${DEFAULT-VALUE}).")
    Path nmConfig;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((e, ignored) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("vxlab agent: " + e.getMessage() + " (see 'vxlab agent --help')");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("vxlab agent: " + (e instanceof AgentException || e instanceof IllegalArgumentException
                    ? e.getMessage() : "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage()));
            return USAGE;
        });
        return cli.execute(args);
    }

    /** The options as a checked config; an {@link IllegalArgumentException} names the bad one. */
    AgentConfig config() {
        if (nodeName == null || nodeName.isBlank()) {
            throw new IllegalArgumentException("no node name: pass --node-name or set NODE_NAME");
        }
        if (intervalMs <= 0) {
            throw new IllegalArgumentException("--interval-ms must be positive, not " + intervalMs);
        }
        Optional<String> netns = where == null ? Optional.empty() : Optional.ofNullable(where.netns);
        if (netns.isPresent() && (netns.get().isBlank() || netns.get().contains("/"))) {
            throw new IllegalArgumentException("--netns '" + netns.get() + "' is not a namespace name");
        }
        return new AgentConfig(nodeName, netns, Optional.ofNullable(kubeconfig), AgentConfig.parseListen(listen),
                nodeCondition, events, fixes, FixRate.parse(fixRate), Duration.ofMillis(intervalMs),
                Optional.ofNullable(subnetEnv), nmConfig);
    }

    @Override
    public Integer call() {
        // fabric8 logs each failure with a stack trace; the agent says what matters in one line, and /readyz turns 503
        // when the informer stops. -Dorg.slf4j.simpleLogger.log.io.fabric8=warn shows the client's own messages.
        if (System.getProperty(FABRIC8_LOG) == null) {
            System.setProperty(FABRIC8_LOG, "off");
        }
        AgentConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
        Agent agent = new Agent(config, System.out);
        Thread hook = new Thread(() -> {
            agent.stop();
            try {
                agent.awaitStopped(Duration.ofSeconds(10)); // the loop's resources closed (netlink sockets, informer)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vxlab-agent-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            agent.run();
        } catch (AgentException | IllegalArgumentException e) {
            // said here, not by a handler, so `vxlab agent` (a subcommand of the lab's CLI) says the same sentence
            return usage(e.getMessage());
        }
        return 0;
    }

    private static int usage(String sentence) {
        System.err.println("vxlab agent: " + sentence);
        return USAGE;
    }
}
