package dev.vxlab.lab.pods;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts connections on a virtual thread and serves each on its own virtual thread. Closing stops accepting,
 * closes every open connection (which wakes its blocked reads) and waits for all those threads to end.
 */
final class TcpAcceptor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TcpAcceptor.class);
    private static final Duration JOIN_LIMIT = Duration.ofSeconds(5);

    /** Serves one connection; returning or throwing closes it. */
    interface Handler {
        void serve(SocketChannel connection) throws IOException;
    }

    private final String name;
    private final ServerSocketChannel listener;
    private final InetSocketAddress address;
    private final Handler handler;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private final Thread acceptLoop;

    private TcpAcceptor(String name, ServerSocketChannel listener, Handler handler) throws IOException {
        this.address = (InetSocketAddress) listener.getLocalAddress();
        this.name = name;
        this.listener = listener;
        this.handler = handler;
        this.acceptLoop = Thread.ofVirtual().name(name + "-accept").unstarted(this::acceptUntilClosed);
    }

    /** Starts serving; the listener is closed when this throws. */
    static TcpAcceptor start(String name, ServerSocketChannel listener, Handler handler) throws IOException {
        TcpAcceptor acceptor;
        try {
            acceptor = new TcpAcceptor(name, listener, handler);
        } catch (IOException | RuntimeException e) {
            closeQuietly(listener);
            throw e;
        }
        acceptor.acceptLoop.start();
        return acceptor;
    }

    /** The bound address, remembered at start so it can still be reported after close. */
    InetSocketAddress address() {
        return address;
    }

    private void acceptUntilClosed() {
        while (listener.isOpen()) {
            SocketChannel connection;
            try {
                connection = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!listener.isOpen()) {
                    return;
                }
                LOG.warn("{}: accept failed: {}", name, e.toString());
                pause(); // e.g. out of descriptors: do not spin
                continue;
            }
            connections.add(connection);
            Thread worker = Thread.ofVirtual().name(name + "-conn").unstarted(() -> serveThenClose(connection));
            workers.add(worker);
            worker.start();
        }
    }

    private void serveThenClose(SocketChannel connection) {
        try (connection) {
            handler.serve(connection);
        } catch (IOException e) {
            // the peer went away, or close() closed the connection under us: either way this connection is done
        } catch (RuntimeException e) {
            LOG.warn("{}: connection handler failed", name, e);
        } finally {
            connections.remove(connection);
            workers.remove(Thread.currentThread());
        }
    }

    /** Whether the listener is closed and no thread of this acceptor is alive. */
    boolean stopped() {
        return !listener.isOpen() && !acceptLoop.isAlive() && workers.isEmpty();
    }

    @Override
    public void close() {
        closeQuietly(listener);
        join(acceptLoop);
        // The accept loop has ended, so no connection can be added after this snapshot.
        for (SocketChannel connection : List.copyOf(connections)) {
            closeQuietly(connection);
        }
        for (Thread worker : List.copyOf(workers)) {
            join(worker);
        }
    }

    private void join(Thread thread) {
        try {
            if (!thread.join(JOIN_LIMIT)) {
                LOG.warn("{}: thread {} did not end within {}", name, thread, JOIN_LIMIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing is best effort; the descriptor is released either way
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
