package dev.vxlab.lab.pods;

import dev.vxlab.detectors.addr.Ipv4;
import dev.vxlab.detectors.netns.NetnsExecutor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.Callable;

/**
 * Opens listening sockets on the namespace's own thread: a socket belongs to the network namespace of the thread
 * that created it, for its whole life.
 */
record InNamespace(NetnsExecutor netns) implements ListeningSockets {

    @Override
    public ServerSocketChannel listenTcp(Ipv4 bind, int port) throws IOException {
        return call("listen on " + bind + ":" + port + "/tcp", () -> ListeningSockets.openTcp(bind, port));
    }

    @Override
    public DatagramChannel bindUdp(Ipv4 bind, int port) throws IOException {
        return call("bind " + bind + ":" + port + "/udp", () -> ListeningSockets.openUdp(bind, port));
    }

    private <T> T call(String what, Callable<T> task) throws IOException {
        try {
            return netns.call(task);
        } catch (IOException e) {
            throw new IOException("cannot " + what + " in " + netns.namespace() + ": " + rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while trying to " + what);
        } catch (Exception e) {
            throw new IOException("cannot " + what + " in " + netns.namespace() + ": " + e, e);
        }
    }

    /** The kernel's words, without the "cannot listen on" the plain opener already put in front of them. */
    private static String rootMessage(IOException e) {
        return e.getCause() instanceof IOException cause && cause.getMessage() != null ? cause.getMessage()
                : e.getMessage();
    }
}
