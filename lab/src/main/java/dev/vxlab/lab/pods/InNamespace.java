package dev.vxlab.lab.pods;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.netns.NetnsExecutor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.Callable;

/**
 * Opens listening sockets on the namespace's own thread: a socket belongs to the network namespace of the thread
 * that created it, for its whole life. IPv4 sockets only, so errors are IPv4 errors.
 */
final class InNamespace {
    private InNamespace() {}

    static ServerSocketChannel listenTcp(NetnsExecutor netns, Ipv4 bind, int port) throws IOException {
        return call(netns, "listen on " + bind + ":" + port + "/tcp", () -> {
            ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
            try {
                listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                listener.bind(new InetSocketAddress(bind.toInetAddress(), port), 128);
                return listener;
            } catch (IOException e) {
                listener.close();
                throw e;
            }
        });
    }

    static DatagramChannel bindUdp(NetnsExecutor netns, Ipv4 bind, int port) throws IOException {
        return call(netns, "bind " + bind + ":" + port + "/udp", () -> {
            DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
            try {
                channel.bind(new InetSocketAddress(bind.toInetAddress(), port));
                return channel;
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        });
    }

    private static <T> T call(NetnsExecutor netns, String what, Callable<T> task) throws IOException {
        try {
            return netns.call(task);
        } catch (IOException e) {
            throw new IOException("cannot " + what + " in " + netns.namespace() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while trying to " + what);
        } catch (Exception e) {
            throw new IOException("cannot " + what + " in " + netns.namespace() + ": " + e, e);
        }
    }
}
