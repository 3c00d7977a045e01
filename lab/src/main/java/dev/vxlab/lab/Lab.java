package dev.vxlab.lab;

import dev.vxlab.detectors.action.ActionException;
import dev.vxlab.detectors.action.Actuator;
import dev.vxlab.detectors.action.Applied;
import dev.vxlab.detectors.action.NodeAction;
import dev.vxlab.detectors.action.NodeHandle;
import dev.vxlab.detectors.netns.NamespaceException;
import dev.vxlab.detectors.netns.NetnsExecutor;
import dev.vxlab.lab.backend.Cluster;
import dev.vxlab.lab.backend.ClusterBackend;
import dev.vxlab.lab.backend.ClusterNode;
import dev.vxlab.lab.backend.ClusterPod;
import dev.vxlab.lab.backend.LabOptions;
import dev.vxlab.lab.backend.LabRun;
import dev.vxlab.lab.fault.Fault;
import dev.vxlab.lab.fault.FaultContext;
import dev.vxlab.lab.flannel.FlannelControl;
import dev.vxlab.lab.pods.DnsZone;
import dev.vxlab.lab.pods.MetricsServer;
import dev.vxlab.lab.pods.PodServers;
import dev.vxlab.lab.probe.ConnectivityMatrix;
import dev.vxlab.lab.probe.Probe;
import dev.vxlab.lab.probe.ProbeSource;
import dev.vxlab.lab.probe.ProbeTarget;
import dev.vxlab.lab.probe.Prober;
import dev.vxlab.lab.spec.ClusterSpec;
import dev.vxlab.lab.spec.PodPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running lab: a cluster plus what runs in it (CoreDNS stand-ins, metrics endpoints) and the means to probe it,
 * break it and heal it. Everything the story, the CLI and the tests do to a cluster goes through here.
 */
public final class Lab implements AutoCloseable {
    private final Cluster cluster;
    private final Map<String, NetnsExecutor> executors = new LinkedHashMap<>();
    private final List<AutoCloseable> servers = new ArrayList<>();
    private final Actuator actuator = new Actuator();
    /** Each node's confined real daemons (NetworkManager, firewalld, their bus), made on first use. */
    private final Map<String, dev.vxlab.lab.daemons.NodeDaemons> daemons = new LinkedHashMap<>();

    private Lab(Cluster cluster) {
        this.cluster = cluster;
    }

    /** Builds the cluster (fast path where the backend has one) and starts the pods' servers. */
    public static Lab start(ClusterBackend backend, ClusterSpec spec, LabRun run) throws LabException {
        return start(backend, spec, run, LabOptions.DEFAULT);
    }

    /** Builds the cluster and starts the pods' servers; on failure everything made so far is removed. */
    public static Lab start(ClusterBackend backend, ClusterSpec spec, LabRun run, LabOptions options)
            throws LabException {
        Cluster cluster = backend.create(spec, run, options);
        Lab lab = new Lab(cluster);
        try {
            lab.startServers();
            return lab;
        } catch (LabException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** Wraps a cluster that already runs (a persistent lab entered from another process); starts nothing. */
    public static Lab attach(Cluster cluster) {
        return new Lab(cluster);
    }

    /** What CoreDNS would answer in this cluster: the kubernetes and kube-dns Services. */
    public DnsZone zone() {
        ClusterSpec spec = cluster.spec();
        return DnsZone.kubernetes(spec.clusterDomain(), spec.serviceNetwork().host(1), spec.dnsServiceIp());
    }

    private void startServers() throws LabException {
        startWorkloadServers(cluster.pods().stream().filter(pod -> pod.netnsFastPath().isEmpty()).toList());
        for (ClusterPod pod : cluster.pods()) {
            if (pod.netnsFastPath().isEmpty()) {
                continue;
            }
            NetnsExecutor netns = executor(pod.plan().label(), pod.netnsFastPath().get());
            try {
                servers.add(pod.plan().dns()
                        ? PodServers.start(netns, pod.plan().ip(), zone())
                        : MetricsServer.start(netns, pod.plan().ip()));
            } catch (IOException e) {
                throw new LabException("cannot start the servers of pod " + pod.plan().label() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Starts the backend's servers of these pods all at once (a process each takes a while to start). */
    private void startWorkloadServers(List<ClusterPod> pods) throws LabException {
        List<java.util.concurrent.Future<AutoCloseable>> starting = new ArrayList<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (ClusterPod pod : pods) {
                starting.add(threads.submit(() -> cluster.workload().start(pod, zone())));
            }
        }
        LabException first = null;
        for (var start : starting) {
            try {
                servers.add(start.get()); // all done: the executor's close waited for them
            } catch (java.util.concurrent.ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof LabException lab ? lab
                            : new LabException("cannot start a pod's servers: " + e.getCause(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while starting the pods' servers");
            }
        }
        if (first != null) {
            throw first; // Lab.start closes the servers that did start
        }
    }

    public Cluster cluster() {
        return cluster;
    }

    public ClusterSpec spec() {
        return cluster.spec();
    }

    public FlannelControl flannel() {
        return cluster.flannel();
    }

    /** Probing from a node's own (host) network namespace, as `curl` on the node does. */
    public ProbeSource fromNode(String node) throws LabException {
        ClusterNode n = cluster.node(node);
        String label = "node " + n.name();
        return n.netnsFastPath().isPresent() ? new ProbeSource(label, executor(label, n.netnsFastPath().get()))
                : ProbeSource.overRemote(label, n.remote());
    }

    /** Probing from inside a pod. */
    public ProbeSource fromPod(PodPlan pod) throws LabException {
        ClusterPod p = cluster.pods().stream().filter(x -> x.plan().equals(pod)).findFirst()
                .orElseThrow(() -> new LabException("no pod " + pod.label() + " in this cluster"));
        String label = "pod " + pod.label();
        return p.netnsFastPath().isPresent() ? new ProbeSource(label, executor(pod.label(), p.netnsFastPath().get()))
                : ProbeSource.overRemote(label, p.remote());
    }

    /** The matrix's sources: every node, and every application pod. */
    public List<ProbeSource> sources() throws LabException {
        List<ProbeSource> sources = new ArrayList<>();
        for (ClusterNode node : cluster.nodes()) {
            sources.add(fromNode(node.name()));
        }
        for (PodPlan pod : spec().pods()) {
            if (!pod.dns()) {
                sources.add(fromPod(pod));
            }
        }
        return sources;
    }

    /** The matrix's targets: every pod's metrics endpoint (a full 19 KB body) and cluster DNS over UDP and TCP. */
    public List<ProbeTarget> targets() {
        List<ProbeTarget> targets = new ArrayList<>();
        for (PodPlan pod : spec().pods()) {
            targets.add(new ProbeTarget(pod.label(), Probe.HttpGet.metrics(pod.ip())));
        }
        if (!spec().dnsPods().isEmpty()) {
            for (Probe.DnsQuery.Transport transport : Probe.DnsQuery.Transport.values()) {
                targets.add(new ProbeTarget("dns/" + transport.name().toLowerCase(),
                        new Probe.DnsQuery(spec().dnsServiceIp(), kubernetesName(), transport)));
            }
        }
        return targets;
    }

    public String kubernetesName() {
        return "kubernetes.default.svc." + spec().clusterDomain();
    }

    /** Probes every source against every target, concurrently. */
    public ConnectivityMatrix matrix(Duration timeout) throws LabException {
        return ConnectivityMatrix.measure(new Prober(timeout), sources(), targets());
    }

    /** Applies a fault through the actuator and returns what ran, as typed on the node. */
    public List<Applied> inject(Fault fault) throws LabException {
        return act("injecting " + fault.id(), fault.node(), context -> fault.actions(context));
    }

    /** Undoes a fault through the actuator (its own heal: a flanneld restart or the commands that restore it). */
    public List<Applied> heal(Fault fault) throws LabException {
        return act("healing " + fault.id(), fault.node(), context -> fault.heal(context));
    }

    /** What a fault on the node renders its actions against: the plan, the node and the published leases. */
    public FaultContext faultContext(String node) throws LabException {
        return new FaultContext(spec(), cluster.node(node).plan(), flannel().leases());
    }

    /**
     * The node as the actuator reaches it; where the node runs its real daemons, bus clients (a fix's nmcli, a
     * fault's firewall-cmd) reach them inside the node's confinement.
     */
    public NodeHandle handle(String node) throws LabException {
        ClusterNode found = cluster.node(node);
        var own = daemons.get(found.name());
        return new LabNode(this, found.name(), own != null ? own.remote() : found.remote());
    }

    /** The node's remote; once it runs real daemons, bus clients (nmcli, firewall-cmd) reach them in its confinement. */
    public dev.vxlab.detectors.remote.Remote remote(String node) throws LabException {
        ClusterNode found = cluster.node(node);
        var own = daemons.get(found.name());
        return own != null ? own.remote() : found.remote();
    }

    /** The node's real daemons (docs/networkmanager.md), confined to it; none runs until one is started. */
    public synchronized dev.vxlab.lab.daemons.NodeDaemons daemons(String node) throws LabException {
        ClusterNode found = cluster.node(node);
        return daemons.computeIfAbsent(found.name(),
                name -> new dev.vxlab.lab.daemons.NodeDaemons(found.remote(), name));
    }

    private List<Applied> act(String what, String node, java.util.function.Function<FaultContext, List<NodeAction>> plan)
            throws LabException {
        NodeHandle handle = handle(node);
        try {
            return actuator.apply(handle, plan.apply(faultContext(node)));
        } catch (ActionException e) {
            throw new LabException(what + " on node " + handle.name() + " failed: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new LabException(e.getMessage(), e);
        }
    }

    /** Restarts (emulated) flanneld on the node. */
    public FlannelControl.RestartResult restartFlanneld(String node) throws LabException {
        return flannel().restart(cluster.node(node).name());
    }

    private NetnsExecutor executor(String label, Path file) throws LabException {
        NetnsExecutor existing = executors.get(label);
        if (existing != null) {
            return existing;
        }
        try {
            NetnsExecutor executor = NetnsExecutor.open(file);
            executors.put(label, executor);
            return executor;
        } catch (NamespaceException e) {
            throw new LabException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        daemons.values().forEach(dev.vxlab.lab.daemons.NodeDaemons::close);
        for (AutoCloseable server : servers) {
            try {
                server.close();
            } catch (Exception ignored) {
                // the namespace goes away with the cluster anyway
            }
        }
        executors.values().forEach(NetnsExecutor::close);
        cluster.close();
    }
}
