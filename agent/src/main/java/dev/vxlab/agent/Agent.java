package dev.vxlab.agent;

import dev.vxlab.agent.cluster.ClusterConsistency;
import dev.vxlab.agent.fix.FixGate;
import dev.vxlab.agent.http.AgentHttp;
import dev.vxlab.agent.kube.FindingEvents;
import dev.vxlab.agent.kube.NodeConditionWriter;
import dev.vxlab.agent.kube.NodeWatch;
import dev.vxlab.agent.metrics.AgentMetrics;
import dev.vxlab.detectors.action.RealNode;
import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.advertised.SubnetEnv;
import dev.vxlab.detectors.agent.FindingChange;
import dev.vxlab.detectors.agent.Watcher;
import dev.vxlab.detectors.fix.FixPlanner;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.FlannelConfig;
import dev.vxlab.detectors.state.NodeState;
import dev.vxlab.nodedoctor.NodeDoctor;
import dev.vxlab.nodedoctor.NodeDoctorException;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code vxlab agent}: the doctor's event-driven loop on this node ({@link NodeDoctor#watch}: netlink notifications
 * plus a counter timer), the advertised view from the API server's Node objects ({@link NodeWatch}), and the
 * findings reported as metrics, and optionally as a node condition, Events and allowed fixes; the Node objects and
 * this node's snapshot are correlated into the cluster view from here ({@link ClusterConsistency}, on {@code /cluster}
 * and as {@code vxlab_cluster_*} gauges). The loop's thread never waits for the API server: writes and the cluster
 * view go to one reporter thread, in order.
 */
public final class Agent {
    /**
     * Passes run before watching, so the JIT compiles the loop at start-up (about a second of CPU) rather than trickling
     * in for the first hour at one pass per timer tick: C1's thresholds are a few hundred calls per method.
     */
    static final int WARM_UP_PASSES = 1000;
    /** How long the first list of Nodes may take before the agent gives up (exit 2). */
    static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);

    private final AgentConfig config;
    private final PrintStream log;
    private final AgentMetrics metrics = new AgentMetrics();
    private final CountDownLatch firstPass = new CountDownLatch(1);
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile Watcher watcher;
    private volatile AgentHttp http;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Fixes whose refusal by the rate was logged (reporter thread only). */
    private final java.util.Set<String> limitedSaid = new java.util.HashSet<>();
    private volatile boolean stopping;
    private volatile String masterUrl;
    private final ClusterConsistency cluster;
    /** The last informer view that held this node (see {@link #viewWithSelf}). */
    private volatile ClusterView lastViewWithSelf;
    /** How long the handlers may take to reach this node in the first list before the wait is worth a log line. */
    private static final long ADVERTISED_QUIET_NANOS = 2_000_000_000L;
    /** The view the cluster view was last correlated with (watcher thread only). */
    private ClusterView correlatedView;

    public Agent(AgentConfig config, PrintStream log) {
        this.config = config;
        this.log = log;
        this.cluster = new ClusterConsistency(config.nodeName(), FlannelConfig.DEFAULT);
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    /** Where the HTTP endpoints answer, once {@link #awaitStarted} returned true. */
    public java.net.InetSocketAddress httpAddress() {
        return http.address();
    }

    /** Waits until the HTTP endpoints answer and the watcher runs. */
    public boolean awaitStarted(Duration timeout) throws InterruptedException {
        return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs until {@link #stop()} or an interrupt. */
    public void run() throws AgentException {
        if (!Files.exists(config.namespaceFile())) {
            throw new AgentException("network namespace '" + config.netns().orElse("host") + "' does not exist (no "
                    + config.namespaceFile() + ")");
        }
        Optional<SubnetEnv> subnetEnv;
        try {
            subnetEnv = NodeDoctor.readSubnetEnv(config.subnetEnv().orElse(null), config.netns().isEmpty());
        } catch (NodeDoctorException e) {
            throw new AgentException(e.getMessage(), e);
        }
        RealNode node = NodeDoctor.realNode(config.netns().orElse(null), config.nodeName(), config.nmConfig());
        FixGate fixes = config.fixes().isEmpty() ? null
                : new FixGate(FixPlanner.load(), config.fixes(), config.fixRate(), node);
        ExecutorService reporter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vxlab-agent-reporter");
            t.setDaemon(true);
            return t;
        });
        try (KubernetesClient client = client();
             NodeWatch nodes = startInformer(client)) {
            NodeConditionWriter condition = config.nodeCondition() ? new NodeConditionWriter(client, config.nodeName())
                    : null;
            FindingEvents events = config.events() ? new FindingEvents(client, config.nodeName()) : null;
            try (AgentHttp server = AgentHttp.start(config.listen(), metrics.registry(),
                    () -> nodes.synced() && firstPass.getCount() == 0,
                    () -> cluster.report().map(r -> r.toJson()))) {
                http = server;
                log.println("vxlab agent: node " + config.nodeName() + " (" + config.netns().map(n -> "netns " + n)
                        .orElse("host network namespace") + "), " + nodes.view().nodes().size() + " advertised nodes, "
                        + "metrics on http://" + hostPort(server.address()) + "/metrics, "
                        + (config.fixes().isEmpty() ? "read-only" : "fixes allowed: " + config.fixes() + " at most "
                        + config.fixRate().count() + " per " + config.fixRate().window()));
                log.flush();
                // a republished VtepMAC has no netlink event: the informer wakes the watcher for it
                nodes.onChange(() -> {
                    Watcher w = watcher;
                    if (w != null) {
                        w.viewChanged();
                    }
                });
                if (!awaitAdvertised(nodes)) {
                    return; // stopped while waiting
                }
                // the host: this process's own namespace, opened without setns (no CAP_SYS_ADMIN in the DaemonSet)
                NodeDoctor.watch(config.netns().isPresent() ? config.namespaceFile() : null, config.nodeName(), () -> viewWithSelf(nodes), subnetEnv, config.nmConfig(),
                        config.counterInterval(), w -> {
                            watcher = w;
                            if (stopping) {
                                w.stop();
                            }
                            started.countDown();
                        }, pass -> {
                            metrics.passed(pass, System.nanoTime());
                            List<FindingChange> changes = pass.changes();
                            changes.forEach(c -> log.println(c.at() + " " + c.render()));
                            if (!changes.isEmpty()) {
                                log.flush();
                            }
                            boolean first = firstPass.getCount() > 0;
                            firstPass.countDown();
                            // correlating walks every Node: only when the Nodes or this node's findings changed (a
                            // drifted MAC or a lost address is a finding here too)
                            ClusterView view = nodes.view();
                            if (first || !changes.isEmpty() || view != correlatedView) {
                                correlatedView = view;
                                correlate(reporter, view, pass.iteration().state());
                            }
                            if (first || !changes.isEmpty()) {
                                report(reporter, pass, changes, nodes, condition, events, fixes, subnetEnv);
                            } else if (pass.trigger() == Watcher.Trigger.TIMER
                                    && ((fixes != null && !pass.iteration().diagnosis().findings().isEmpty())
                                    || (condition != null && condition.lastWriteFailed()))) {
                                // a finding that stays (a fix refused by the rate) and a condition the API server
                                // refused are offered again at the timer's pace
                                report(reporter, pass, List.of(), nodes, condition, null, fixes, subnetEnv);
                            }
                        }, metrics::timed, WARM_UP_PASSES);
            } catch (IOException e) {
                throw new AgentException("cannot listen on " + hostPort(config.listen()) + ": " + e.getMessage(), e);
            }
        } catch (NodeDoctorException e) {
            throw new AgentException(e.getMessage(), e);
        } catch (KubernetesClientException e) {
            throw new AgentException(apiServerSentence(e), e);
        } finally {
            started.countDown();
            reporter.shutdown();
            stopped.countDown();
        }
    }

    /** Waits until {@link #run} returned (a shutdown hook's wait, so SIGTERM ends the process promptly). */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void report(ExecutorService reporter, Watcher.Pass pass, List<FindingChange> changes, NodeWatch nodes,
            NodeConditionWriter condition, FindingEvents events, FixGate fixes, Optional<SubnetEnv> subnetEnv) {
        ClusterView view = viewWithSelf(nodes);
        reporter.execute(() -> {
            try {
                if (condition != null) {
                    condition.write(pass.iteration().diagnosis(), Instant.now());
                }
                if (events != null && !changes.isEmpty()) {
                    Node me = nodes.node(config.nodeName());
                    String uid = me == null ? null : me.getMetadata().getUid();
                    changes.forEach(c -> events.post(c, uid));
                }
            } catch (KubernetesClientException e) {
                log.println("vxlab agent: cannot write to the API server: " + e.getMessage());
            }
            if (fixes != null && !pass.iteration().diagnosis().findings().isEmpty()) {
                DetectionInput input = new DetectionInput(config.nodeName(), pass.iteration().state(), Optional.empty(),
                        view, subnetEnv, FlannelConfig.DEFAULT);
                for (FixGate.Outcome o : fixes.fix(pass.iteration().diagnosis(), input, System.nanoTime())) {
                    metrics.fix(o.fix(), o.result());
                    // a fix refused by the rate is offered every tick: said once until something else happens to it
                    boolean repeated = o.result().equals(FixGate.Outcome.RATE_LIMITED) && !limitedSaid.add(o.fix());
                    if (!o.result().equals(FixGate.Outcome.RATE_LIMITED)) {
                        limitedSaid.remove(o.fix());
                    }
                    if (!repeated) {
                        log.println(Instant.now() + " fix " + o.fix() + " " + o.result() + ": " + o.detail());
                    }
                }
            }
            log.flush();
        });
    }

    private void correlate(ExecutorService reporter, ClusterView view, NodeState state) {
        reporter.execute(() -> cluster.update(view, state).ifPresent(report -> {
            metrics.cluster(report);
            Instant now = Instant.now();
            report.toText().lines().forEach(line -> log.println(now + " " + line));
            log.flush();
        }));
    }

    /**
     * Waits until the informer's view holds this node: the doctor reads the node's own lease (its subnet, VtepMAC), so
     * a node flannel has not registered yet (a new node, or the informer's handlers not yet through the first list) is
     * waited for, with /healthz answering and /readyz 503. False when stopped first.
     */
    private boolean awaitAdvertised(NodeWatch nodes) {
        boolean said = false;
        long since = System.nanoTime();
        while (!stopping) {
            ClusterView view = nodes.view();
            if (view.byName(config.nodeName()).isPresent()) {
                lastViewWithSelf = view;
                if (said) {
                    log.println("vxlab agent: node " + config.nodeName() + " is advertised now; watching");
                    log.flush();
                }
                return true;
            }
            if (!said && System.nanoTime() - since > ADVERTISED_QUIET_NANOS) {
                log.println("vxlab agent: node '" + config.nodeName() + "' has no flannel advertisement yet"
                        + Optional.ofNullable(nodes.skipped().get(config.nodeName())).map(s -> " (" + s + ")")
                        .orElse(" (no such Node)") + "; waiting for it");
                log.flush();
                said = true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /**
     * The informer's view while it holds this node, else the last one that did: a Node whose flannel annotations went
     * (a re-registration in progress) must not stop the doctor, which reads the node's own lease.
     */
    private ClusterView viewWithSelf(NodeWatch nodes) {
        ClusterView view = nodes.view();
        if (view == lastViewWithSelf) {
            return view; // the informer builds a new view only when an advertisement changed: no scan per pass
        }
        if (view.byName(config.nodeName()).isPresent()) {
            lastViewWithSelf = view;
            return view;
        }
        return lastViewWithSelf;
    }

    /** Makes {@link #run} return (from another thread or a shutdown hook). */
    public void stop() {
        stopping = true;
        Watcher w = watcher;
        if (w != null) {
            w.stop();
        }
    }

    private KubernetesClient client() throws AgentException {
        Config kube;
        if (config.kubeconfig().isPresent()) {
            try {
                kube = Config.fromKubeconfig(Files.readString(config.kubeconfig().get()));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new AgentException("no such kubeconfig: " + config.kubeconfig().get(), e);
            } catch (IOException e) {
                throw new AgentException("cannot read the kubeconfig " + config.kubeconfig().get() + ": " + e.getMessage(),
                        e);
            } catch (RuntimeException e) { // fabric8 throws its own, Jackson's and SnakeYAML's errors for a bad file
                throw new AgentException("the kubeconfig " + config.kubeconfig().get() + " is not usable: "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip(), e);
            }
        } else {
            kube = Config.autoConfigure(null); // KUBECONFIG, ~/.kube/config, else the pod's service account
        }
        masterUrl = kube.getMasterUrl();
        return new KubernetesClientBuilder().withConfig(kube).build();
    }

    /** The API server's failure as one sentence: where, and the cause (fabric8's own message is generic). */
    private String apiServerSentence(KubernetesClientException e) {
        String where = "the Kubernetes API server" + (masterUrl == null ? "" : " at " + masterUrl)
                + config.kubeconfig().map(k -> " (kubeconfig " + k + ")").orElse("");
        if (e.getCode() > 0) {
            return where + " refused the Node list: HTTP " + e.getCode() + " " + e.getMessage();
        }
        String why = null;
        for (Throwable t = e.getCause(); t != null && why == null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                why = "cannot connect";
            } else if (t instanceof java.net.UnknownHostException) {
                why = "unknown host " + t.getMessage();
            } else if (t instanceof javax.net.ssl.SSLException) {
                why = "TLS failed: " + t.getMessage();
            }
        }
        return where + " did not answer the Node list: " + (why != null ? why : e.getMessage());
    }

    private NodeWatch startInformer(KubernetesClient client) throws AgentException {
        NodeWatch nodes = NodeWatch.start(client);
        long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
        try {
            while (!nodes.synced()) {
                if (System.nanoTime() - deadline >= 0) {
                    nodes.close();
                    throw new AgentException("no Node list from the API server at " + client.getMasterUrl()
                            + " within " + SYNC_TIMEOUT.toSeconds() + " s (check the kubeconfig and RBAC: nodes list, "
                            + "watch)");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            nodes.close();
            Thread.currentThread().interrupt();
            throw new AgentException("interrupted while waiting for the Node list", e);
        }
        return nodes;
    }

    private static String hostPort(java.net.InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
