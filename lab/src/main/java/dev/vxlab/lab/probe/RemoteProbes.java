package dev.vxlab.lab.probe;

import dev.vxlab.detectors.remote.Command;
import dev.vxlab.detectors.remote.CommandResult;
import dev.vxlab.detectors.remote.Remote;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Runs probes with real clients on a node or pod through its {@link Remote} (the generic path, without the fast
 * path's in-JVM sockets): curl for HTTP, dig for DNS, bash's /dev/tcp for a bare TCP connect. Each client gets the
 * prober's budget as its own deadline; the remote command gets a little more, for starting the process.
 */
final class RemoteProbes {
    /**
     * How many client processes run at once in this JVM. A matrix asks for every cell at once; a few dozen
     * short-lived processes are fine, a few hundred would starve a small machine and blur the deadlines.
     */
    static final int MAX_PROCESSES = 16;
    /** What the remote may add on top of the client's own deadline (process start, ip netns exec, ssh). */
    static final Duration START_SLACK = Duration.ofSeconds(5);

    private static final Semaphore PROCESSES = new Semaphore(MAX_PROCESSES, true);

    private RemoteProbes() {}

    static ProbeResult run(ProbeSource source, Probe probe, Duration budget) {
        try {
            PROCESSES.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProbeResult(probe, source.label(), ProbeOutcome.ERROR, "interrupted", Duration.ZERO, Evidence.NONE);
        }
        try {
            long start = System.nanoTime();
            Observation seen = observe(source.remote(), probe, budget);
            return new ProbeResult(probe, source.label(), seen.outcome(), seen.detail(),
                    Duration.ofNanos(System.nanoTime() - start), seen.evidence());
        } finally {
            PROCESSES.release();
        }
    }

    static Observation observe(Remote remote, Probe probe, Duration budget) {
        List<String> argv = switch (probe) {
            case Probe.TcpConnect tcp -> BashTcpConnect.command(tcp, budget);
            case Probe.HttpGet http -> CurlHttpGet.command(http, budget);
            case Probe.DnsQuery dns -> DigDnsQuery.command(dns, budget);
        };
        CommandResult result = remote.run(Command.of(argv).withTimeout(budget.plus(START_SLACK)));
        return classify(result, probe, budget, remote.name());
    }

    /** The outcome of a client's exit code and outputs; pure, so canned outputs test it. */
    static Observation classify(CommandResult result, Probe probe, Duration budget, String node) {
        return ClientOutput.missingTool(result, node).orElseGet(() -> switch (probe) {
            case Probe.TcpConnect _ -> BashTcpConnect.classify(result, budget);
            case Probe.HttpGet _ -> CurlHttpGet.classify(result, budget);
            case Probe.DnsQuery dns -> DigDnsQuery.classify(result, dns, budget);
        });
    }
}
