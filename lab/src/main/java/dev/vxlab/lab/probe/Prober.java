package dev.vxlab.lab.probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs probes from network namespaces with one deadline per probe. On the fast path the socket is created on the
 * source namespace's thread, then driven by a Selector on the caller's thread, so a probe never outlives its deadline
 * by more than scheduling noise; from a remote source real clients (curl, dig) run there with the same deadline
 * ({@link RemoteProbes}). Stateless and thread-safe.
 */
public final class Prober {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private final Duration timeout;

    public Prober(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a probe timeout must be positive, not " + timeout);
        }
        this.timeout = timeout;
    }

    public Prober() {
        this(DEFAULT_TIMEOUT);
    }

    public Duration timeout() {
        return timeout;
    }

    /** Runs one probe from the source; never throws for network trouble, that is what the outcome is for. */
    public ProbeResult run(ProbeSource source, Probe probe) {
        if (!source.fastPath()) {
            return RemoteProbes.run(source, probe, timeout);
        }
        long start = System.nanoTime();
        Deadline deadline = Deadline.after(timeout);
        Observation seen = switch (probe) {
            case Probe.TcpConnect tcp -> TcpConnectRunner.run(tcp, source.netns(), deadline);
            case Probe.HttpGet http -> HttpGetRunner.run(http, source.netns(), deadline);
            case Probe.DnsQuery dns -> DnsQueryRunner.run(dns, source.netns(), deadline);
        };
        return new ProbeResult(probe, source.label(), seen.outcome(), seen.detail(),
                Duration.ofNanos(System.nanoTime() - start), seen.evidence());
    }

    /** Runs every request at once, one virtual thread each, and returns the results in the order of the requests. */
    public List<ProbeResult> runAll(List<ProbeRequest> requests) {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ProbeResult>> pending = new ArrayList<>(requests.size());
            for (ProbeRequest request : requests) {
                pending.add(threads.submit(() -> run(request.source(), request.probe())));
            }
            List<ProbeResult> results = new ArrayList<>(requests.size());
            for (int i = 0; i < pending.size(); i++) {
                results.add(await(pending.get(i), requests.get(i)));
            }
            return List.copyOf(results);
        }
    }

    private static ProbeResult await(Future<ProbeResult> pending, ProbeRequest request) {
        try {
            return pending.get();
        } catch (ExecutionException e) {
            return new ProbeResult(request.probe(), request.source().label(), ProbeOutcome.ERROR,
                    "probe crashed: " + e.getCause(), Duration.ZERO, Evidence.NONE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.cancel(true);
            return new ProbeResult(request.probe(), request.source().label(), ProbeOutcome.ERROR, "interrupted",
                    Duration.ZERO, Evidence.NONE);
        }
    }
}
