package dev.vxlab.lab.probe;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.netns.NetnsExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test fixture: an HTTP server in a namespace that promises a 19491-byte body and then breaks the promise in one of
 * a few ways. Each connection is served on a virtual thread; closing closes every socket and joins the threads.
 */
final class MisbehavingHttpServer implements AutoCloseable {
    static final int PROMISED = 19491;
    static final int SENT = 1000;

    enum Misbehaviour {
        /** Head, 1000 body bytes, then close: a body cut short by EOF. */
        CLOSE_MID_BODY,
        /** Head, 1000 body bytes, then silence with the connection open: a body cut short by the deadline. */
        STALL_MID_BODY,
        /** Read the request and never answer. */
        NEVER_ANSWER
    }

    private final ServerSocketChannel listener;
    private final Misbehaviour misbehaviour;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Thread acceptLoop;

    private MisbehavingHttpServer(ServerSocketChannel listener, Misbehaviour misbehaviour) {
        this.listener = listener;
        this.misbehaviour = misbehaviour;
        this.acceptLoop = Thread.ofVirtual().start(this::acceptLoop);
    }

    static MisbehavingHttpServer start(NetnsExecutor netns, Ipv4 bind, int port, Misbehaviour misbehaviour)
            throws Exception {
        ServerSocketChannel listener = netns.call(() -> {
            ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.INET);
            channel.bind(new InetSocketAddress(bind.toInetAddress(), port));
            return channel;
        });
        return new MisbehavingHttpServer(listener, misbehaviour);
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel connection;
            try {
                connection = listener.accept();
            } catch (IOException closed) {
                return;
            }
            connections.add(connection);
            threads.add(Thread.ofVirtual().start(() -> serve(connection)));
        }
    }

    private void serve(SocketChannel connection) {
        try (connection) {
            readRequestHead(connection);
            if (misbehaviour == Misbehaviour.NEVER_ANSWER) {
                connection.read(ByteBuffer.allocate(1)); // until the client or close() ends it
                return;
            }
            String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + PROMISED + "\r\n\r\n";
            ByteBuffer out = ByteBuffer.allocate(head.length() + SENT).put(head.getBytes(StandardCharsets.US_ASCII))
                    .put("x".repeat(SENT).getBytes(StandardCharsets.US_ASCII)).flip();
            while (out.hasRemaining()) {
                connection.write(out);
            }
            if (misbehaviour == Misbehaviour.STALL_MID_BODY) {
                connection.read(ByteBuffer.allocate(1));
            }
        } catch (IOException e) {
            // the client gave up or close() closed the socket
        }
    }

    private static void readRequestHead(SocketChannel connection) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(8192);
        while (!new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
            if (connection.read(in) < 0) {
                throw new IOException("client left before its request ended");
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        join(acceptLoop);
        for (SocketChannel connection : connections) {
            connection.close();
        }
        threads.forEach(MisbehavingHttpServer::join);
    }

    private static void join(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
