package dev.vxlab.detectors.netns;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One platform thread that lives inside a network namespace.
 *
 * <p>setns(2) with CLONE_NEWNET moves only the calling thread, so a dedicated thread is bound once and every task
 * that must create a socket "inside" the namespace runs on it. A socket keeps the namespace it was created in, so
 * the socket may be used from any thread afterwards (virtual threads included).
 */
public final class NetnsExecutor implements AutoCloseable {
    private final String name;
    private final ExecutorService thread;

    private NetnsExecutor(String name, ExecutorService thread) {
        this.name = name;
        this.thread = thread;
    }

    /**
     * Binds a new thread to the namespace file (for example {@code /run/netns/NAME} or {@code /proc/PID/ns/net}).
     *
     * @throws NamespaceException when the file cannot be opened or setns(2) is refused
     */
    public static NetnsExecutor open(Path namespaceFile) throws NamespaceException {
        String name = namespaceFile.toString();
        ExecutorService thread = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("netns-" + namespaceFile.getFileName()).factory());
        Future<?> bound = thread.submit(() -> {
            int fd = Libc.openReadOnly(name);
            try {
                Libc.setns(fd, Libc.CLONE_NEWNET);
            } finally {
                Libc.close(fd);
            }
            return null;
        });
        try {
            bound.get();
        } catch (ExecutionException e) {
            thread.shutdownNow();
            throw new NamespaceException("cannot enter network namespace " + name + ": " + e.getCause().getMessage(),
                    e.getCause());
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
            throw new NamespaceException("interrupted while entering network namespace " + name, e);
        }
        return new NetnsExecutor(name, thread);
    }

    /** Runs the task on the namespace's thread and returns its result; the task's own exception is rethrown. */
    public <T> T call(Callable<T> task) throws Exception {
        try {
            return thread.submit(task).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    public String namespace() {
        return name;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
