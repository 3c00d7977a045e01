package dev.vxlab.lab.probe;

import dev.vxlab.detectors.netns.NetnsExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;

/** Runs {@link Probe.TcpConnect}: OK once the three-way handshake completes. */
final class TcpConnectRunner {
    private TcpConnectRunner() {}

    static Observation run(Probe.TcpConnect probe, NetnsExecutor netns, Deadline deadline) {
        try (TimedChannel channel = TimedChannel.of(NamespaceSockets.tcp(netns), deadline)) {
            channel.connect(new InetSocketAddress(probe.dst().toInetAddress(), probe.port()));
            return Observation.ok("connected", Evidence.NONE);
        } catch (DeadlineExceededException e) {
            return Observation.of(ProbeOutcome.TIMEOUT, "no TCP connection within " + deadline.budgetText());
        } catch (IOException e) {
            return SocketErrors.classify(e, true);
        }
    }
}
