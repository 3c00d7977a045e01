package dev.vxlab.lab.probe;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * A non-blocking TCP or connected UDP channel with its own Selector, so every connect, write and read waits at
 * most until the probe's deadline and then throws {@link DeadlineExceededException}. Closing closes both.
 */
final class TimedChannel implements AutoCloseable {
    private final SelectableChannel selectable;
    private final ByteChannel bytes;
    private final Selector selector;
    private final SelectionKey key;
    private final Deadline deadline;

    private <C extends SelectableChannel & ByteChannel> TimedChannel(C channel, Deadline deadline) throws IOException {
        this.selectable = channel;
        this.bytes = channel;
        this.deadline = deadline;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        this.key = channel.register(selector, 0);
    }

    /** Takes ownership of the channel: it is closed with this, also when this constructor fails. */
    static <C extends SelectableChannel & ByteChannel> TimedChannel of(C channel, Deadline deadline) throws IOException {
        try {
            return new TimedChannel(channel, deadline);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** TCP: completes the handshake. UDP: fixes the peer, so ICMP errors come back to this socket. */
    void connect(InetSocketAddress peer) throws IOException {
        switch (selectable) {
            case SocketChannel tcp -> {
                if (!tcp.connect(peer)) {
                    do {
                        await(SelectionKey.OP_CONNECT);
                    } while (!tcp.finishConnect());
                }
            }
            case DatagramChannel udp -> udp.connect(peer);
            default -> throw new IllegalStateException("not a socket: " + selectable);
        }
    }

    void writeFully(ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            if (bytes.write(data) == 0) {
                await(SelectionKey.OP_WRITE);
            }
        }
    }

    /** Reads at least one byte; -1 at EOF. For UDP one read is one datagram. */
    int read(ByteBuffer into) throws IOException {
        while (true) {
            int n = bytes.read(into);
            if (n != 0 || !into.hasRemaining()) {
                return n;
            }
            await(SelectionKey.OP_READ);
        }
    }

    private void await(int op) throws IOException {
        key.interestOps(op);
        try {
            while (true) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted");
                }
                long millis = deadline.remainingMillis();
                if (millis == 0) {
                    throw new DeadlineExceededException();
                }
                selector.select(millis);
                // readyOps is only fresh when the key was (re)added to the selected set by this select.
                if (selector.selectedKeys().remove(key) && (key.readyOps() & op) != 0) {
                    return;
                }
            }
        } finally {
            key.interestOps(0);
        }
    }

    @Override
    public void close() throws IOException {
        try (selector) {
            selectable.close();
        }
    }
}
