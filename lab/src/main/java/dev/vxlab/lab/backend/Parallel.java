package dev.vxlab.lab.backend;

import dev.vxlab.lab.LabException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one step for every node (or pod) on a small pool of threads. Building a node is mostly waiting for processes
 * the kernel starts (ip, ethtool, nft) or for a round trip to a remote, so a few threads per core pay off; more only
 * queue on the kernel's RTNL lock. Returns only when every started step has ended, so a failed build can remove what
 * was made without racing a step still making things; steps not started yet are skipped after the first failure.
 */
public final class Parallel {
    /** Threads per build: two per core, at least 2 and at most 8. */
    public static final int THREADS = Math.clamp(2L * Runtime.getRuntime().availableProcessors(), 2, 8);

    /** One step for one item; may fail with a {@link LabException}. */
    @FunctionalInterface
    public interface Step<T> {
        void run(T item) throws LabException;
    }

    private Parallel() {}

    /** One step for one item that yields a result; may fail with a {@link LabException}. */
    @FunctionalInterface
    public interface Mapper<T, R> {
        R apply(T item) throws LabException;
    }

    /** Runs {@code step} for each item, at most {@link #THREADS} at a time; throws the first failure, in item order. */
    public static <T> void forEach(List<T> items, Step<? super T> step) throws LabException {
        forEach(items, THREADS, step);
    }

    /**
     * Runs {@code step} for each item, at most {@code threads} at a time (a backend whose steps wait on machines of
     * their own, VMs or containers, may run one per node); throws the first failure, in item order.
     */
    public static <T> void forEach(List<T> items, int threads, Step<? super T> step) throws LabException {
        map(items, threads, item -> {
            step.run(item);
            return Boolean.TRUE;
        });
    }

    /** {@link #forEach(List, int, Step)} that keeps each step's result, in item order. */
    public static <T, R> List<R> map(List<T> items, int threads, Mapper<? super T, ? extends R> step)
            throws LabException {
        List<R> results = new ArrayList<>(items.size());
        if (items.size() < 2) {
            for (T item : items) {
                results.add(step.apply(item));
            }
            return results;
        }
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<R>> futures = new ArrayList<>(items.size());
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.clamp(threads, 1, items.size()),
                Thread.ofPlatform().daemon().name("vxlab-build-", 0).factory())) {
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    if (failed.get()) {
                        return null;
                    }
                    try {
                        return step.apply(item);
                    } catch (LabException | RuntimeException e) {
                        failed.set(true);
                        throw e;
                    }
                }));
            }
        } // close() waits for every submitted step to end
        for (Future<R> future : futures) {
            try {
                results.add(future.get());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof LabException lab) {
                    throw lab;
                }
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new LabException("a build step failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while building", e);
            }
        }
        return results;
    }

    /** Runs a node's build commands as one batch through its remote; a failure names the node and the command. */
    public static void check(dev.vxlab.detectors.remote.Remote shell, List<List<String>> commands)
            throws LabException {
        try {
            shell.runAll(commands);
        } catch (dev.vxlab.detectors.remote.CommandFailedException e) {
            throw new LabException("building node " + shell.name() + " failed: " + e.getMessage(), e);
        }
    }
}
