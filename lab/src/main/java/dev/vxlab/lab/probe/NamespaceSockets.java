package dev.vxlab.lab.probe;

import dev.vxlab.detectors.netns.NetnsExecutor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Callable;

/**
 * Creates probe sockets on the namespace's own thread, because a socket stays in the network namespace of the thread
 * that created it; connecting, reading and writing then happen on the caller's (virtual) thread.
 */
final class NamespaceSockets {
    private NamespaceSockets() {}

    static SocketChannel tcp(NetnsExecutor netns) throws IOException {
        return open(netns, () -> SocketChannel.open(StandardProtocolFamily.INET));
    }

    static DatagramChannel udp(NetnsExecutor netns) throws IOException {
        return open(netns, () -> DatagramChannel.open(StandardProtocolFamily.INET));
    }

    private static <T> T open(NetnsExecutor netns, Callable<T> task) throws IOException {
        try {
            return netns.call(task);
        } catch (IOException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while opening a socket in " + netns.namespace());
        } catch (Exception e) {
            throw new IOException("cannot open a socket in " + netns.namespace() + ": " + e, e);
        }
    }
}
