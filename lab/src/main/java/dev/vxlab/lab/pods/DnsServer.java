package dev.vxlab.lab.pods;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.netns.NetnsExecutor;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for CoreDNS inside a pod's network namespace: answers A queries for a {@link DnsZone} on UDP and on
 * TCP (RFC 1035 two-byte length prefix, any number of queries per connection). Names outside the cluster domain get
 * REFUSED, unknown names inside it NXDOMAIN.
 */
public final class DnsServer implements AutoCloseable {
    public static final int PORT = 53;
    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);

    private final DnsResponder responder;
    private final DatagramChannel udp;
    private final TcpAcceptor tcp;
    private final Thread udpLoop;

    private DnsServer(DnsResponder responder, DatagramChannel udp, ServerSocketChannel listener) throws IOException {
        this.responder = responder;
        this.udp = udp;
        this.tcp = TcpAcceptor.start("dns-tcp", listener, this::serveTcp);
        this.udpLoop = Thread.ofVirtual().name("dns-udp").start(this::serveUdp);
    }

    /** Starts on port 53 of {@code bind} (the pod IP, or 0.0.0.0) inside the namespace. */
    public static DnsServer start(NetnsExecutor netns, Ipv4 bind, DnsZone zone) throws IOException {
        return start(netns, bind, PORT, zone);
    }

    /** Starts on the given port (0 picks a free one, the same for UDP and TCP) inside the namespace. */
    public static DnsServer start(NetnsExecutor netns, Ipv4 bind, int port, DnsZone zone) throws IOException {
        return start(new InNamespace(netns), bind, port, zone);
    }

    /** Starts on the given port in the network namespace this process runs in (a pod's own server process). */
    public static DnsServer startHere(Ipv4 bind, int port, DnsZone zone) throws IOException {
        return start(ListeningSockets.HERE, bind, port, zone);
    }

    private static DnsServer start(ListeningSockets sockets, Ipv4 bind, int port, DnsZone zone) throws IOException {
        DnsResponder responder = new DnsResponder(zone);
        ServerSocketChannel listener = sockets.listenTcp(bind, port);
        try {
            int bound = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            DatagramChannel udp = sockets.bindUdp(bind, bound);
            try {
                return new DnsServer(responder, udp, listener);
            } catch (IOException | RuntimeException e) {
                TcpAcceptor.closeQuietly(udp);
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            TcpAcceptor.closeQuietly(listener);
            throw e;
        }
    }

    /** The address both transports listen on. */
    public InetSocketAddress address() {
        return tcp.address();
    }

    private void serveUdp() {
        ByteBuffer in = ByteBuffer.allocate(65535);
        while (udp.isOpen()) {
            in.clear();
            SocketAddress client;
            try {
                client = udp.receive(in);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!udp.isOpen()) {
                    return;
                }
                LOG.debug("dns-udp: receive failed: {}", e.toString());
                continue;
            }
            byte[] query = new byte[in.flip().remaining()];
            in.get(query);
            byte[] answer = responder.answerUdp(query);
            if (answer == null) {
                continue;
            }
            try {
                udp.send(ByteBuffer.wrap(answer), client);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.debug("dns-udp: cannot answer {}: {}", client, e.toString());
            }
        }
    }

    private void serveTcp(SocketChannel connection) throws IOException {
        ByteBuffer length = ByteBuffer.allocate(2);
        while (true) {
            length.clear();
            if (!readFully(connection, length)) {
                return; // the client closed between queries, which is how a TCP DNS client says goodbye
            }
            ByteBuffer query = ByteBuffer.allocate(length.flip().getShort() & 0xffff);
            if (!readFully(connection, query)) {
                throw new EOFException("client closed in the middle of a query");
            }
            byte[] answer = responder.answerTcp(query.array());
            if (answer == null) {
                return;
            }
            ByteBuffer out = ByteBuffer.allocate(2 + answer.length).putShort((short) answer.length).put(answer).flip();
            while (out.hasRemaining()) {
                connection.write(out);
            }
        }
    }

    /** Fills the buffer; false when the peer closed before the first byte, EOFException when it closed later. */
    private static boolean readFully(SocketChannel connection, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (connection.read(buffer) < 0) {
                if (buffer.position() == 0) {
                    return false;
                }
                throw new EOFException("connection closed after " + buffer.position() + " bytes");
            }
        }
        return true;
    }

    /** Whether both sockets are closed and every server thread has ended. */
    boolean stopped() {
        return !udp.isOpen() && !udpLoop.isAlive() && tcp.stopped();
    }

    @Override
    public void close() {
        TcpAcceptor.closeQuietly(udp);
        tcp.close();
        try {
            udpLoop.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
