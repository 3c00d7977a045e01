package dev.vxlab.nodedoctor;

import dev.vxlab.detectors.advertised.AdvertisedNode;
import dev.vxlab.detectors.netns.NamespaceException;
import dev.vxlab.detectors.netns.NetnsExecutor;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * TCP connects from inside the node's network namespace to every peer's flannel.1 address, all at once. The sockets
 * are created on the namespace's thread (a socket belongs to the namespace it was created in) and connect from
 * ordinary threads.
 */
final class RoundTrips {
    private RoundTrips() {}

    static List<RoundTrip> to(Path namespaceFile, List<AdvertisedNode> peers, int port, Duration timeout)
            throws NodeDoctorException {
        List<SocketChannel> sockets = new ArrayList<>();
        try (NetnsExecutor netns = NetnsExecutor.open(namespaceFile);
             ExecutorService connects = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < peers.size(); i++) {
                sockets.add(netns.call(() -> SocketChannel.open(StandardProtocolFamily.INET)));
            }
            List<Future<RoundTrip>> trips = new ArrayList<>();
            for (int i = 0; i < peers.size(); i++) {
                AdvertisedNode peer = peers.get(i);
                SocketChannel socket = sockets.get(i);
                trips.add(connects.submit(() -> connect(socket, peer, port, timeout)));
            }
            List<RoundTrip> out = new ArrayList<>();
            for (Future<RoundTrip> trip : trips) {
                out.add(trip.get());
            }
            return out;
        } catch (NamespaceException e) {
            throw new NodeDoctorException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeDoctorException("interrupted while connecting to the peers", e);
        } catch (ExecutionException e) {
            throw new NodeDoctorException("a round trip failed: " + e.getCause(), e);
        } catch (Exception e) {
            throw new NodeDoctorException("cannot open a socket in " + namespaceFile + ": " + e.getMessage(), e);
        } finally {
            for (SocketChannel socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing to undo on a socket that never connected
                }
            }
        }
    }

    private static RoundTrip connect(SocketChannel channel, AdvertisedNode peer, int port, Duration timeout) {
        var address = peer.podCidr().network();
        try {
            // The channel's socket adaptor connects with a timeout, as the channel itself cannot.
            channel.socket().connect(new InetSocketAddress(InetAddress.getByName(address.toString()), port),
                    (int) timeout.toMillis());
            return new RoundTrip(peer.name(), address, port, RoundTrip.Outcome.CONNECTED, "");
        } catch (ConnectException e) {
            return e.getMessage() != null && e.getMessage().contains("refused")
                    ? new RoundTrip(peer.name(), address, port, RoundTrip.Outcome.REFUSED, "")
                    : new RoundTrip(peer.name(), address, port, RoundTrip.Outcome.NO_ANSWER, e.getMessage());
        } catch (IOException e) {
            return new RoundTrip(peer.name(), address, port, RoundTrip.Outcome.NO_ANSWER, String.valueOf(e.getMessage()));
        }
    }
}
