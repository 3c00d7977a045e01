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

    /** Runs {@code step} for each item, at most {@link #THREADS} at a time; throws the first failure, in item order. */
    public static <T> void forEach(List<T> items, Step<? super T> step) throws LabException {
        if (items.size() < 2) {
            for (T item : items) {
                step.run(item);
            }
            return;
        }
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<?>> futures = new ArrayList<>(items.size());
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(THREADS, items.size()),
                Thread.ofPlatform().daemon().name("vxlab-build-", 0).factory())) {
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    if (failed.get()) {
                        return null;
                    }
                    try {
                        step.run(item);
                    } catch (LabException | RuntimeException e) {
                        failed.set(true);
                        throw e;
                    }
                    return null;
                }));
            }
        } // close() waits for every submitted step to end
        for (Future<?> future : futures) {
            try {
                future.get();
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
    }
}
