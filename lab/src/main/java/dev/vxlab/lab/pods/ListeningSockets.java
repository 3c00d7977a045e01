package dev.vxlab.lab.pods;

import dev.vxlab.detectors.addr.Ipv4;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;

/**
 * Where a server's sockets are opened: in a namespace this JVM enters ({@link InNamespace}, the fast path), or
 * {@link #HERE} in the network namespace this process was started in (a pod's server process). IPv4 only, so errors
 * are IPv4 errors.
 */
interface ListeningSockets {

    ServerSocketChannel listenTcp(Ipv4 bind, int port) throws IOException;

    DatagramChannel bindUdp(Ipv4 bind, int port) throws IOException;

    /** Plain sockets of this process, in whatever network namespace it runs. */
    ListeningSockets HERE = new ListeningSockets() {
        @Override
        public ServerSocketChannel listenTcp(Ipv4 bind, int port) throws IOException {
            return openTcp(bind, port);
        }

        @Override
        public DatagramChannel bindUdp(Ipv4 bind, int port) throws IOException {
            return openUdp(bind, port);
        }
    };

    static ServerSocketChannel openTcp(Ipv4 bind, int port) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(new InetSocketAddress(bind.toInetAddress(), port), 128);
            return listener;
        } catch (IOException e) {
            listener.close();
            throw new IOException("cannot listen on " + bind + ":" + port + "/tcp: " + e.getMessage(), e);
        }
    }

    static DatagramChannel openUdp(Ipv4 bind, int port) throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            channel.bind(new InetSocketAddress(bind.toInetAddress(), port));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot bind " + bind + ":" + port + "/udp: " + e.getMessage(), e);
        }
    }
}
