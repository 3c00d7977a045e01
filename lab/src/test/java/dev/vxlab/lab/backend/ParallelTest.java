package dev.vxlab.lab.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.lab.LabException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void runsEveryStepOnce() throws Exception {
        Set<Integer> done = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();
        Parallel.forEach(IntStream.range(0, 100).boxed().toList(), i -> {
            calls.incrementAndGet();
            done.add(i);
        });
        assertThat(done).hasSize(100);
        assertThat(calls).hasValue(100);
    }

    @Test
    void aFailureSkipsStepsNotYetStartedAndWaitsForThoseRunning() {
        List<Integer> items = IntStream.range(0, 200).boxed().toList();
        CountDownLatch failing = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger stillRunningAtReturn = new AtomicInteger(-1);
        assertThatThrownBy(() -> {
            try {
                Parallel.forEach(items, i -> {
                    started.incrementAndGet();
                    running.incrementAndGet();
                    try {
                        if (i == 0) {
                            failing.countDown();
                            throw new LabException("node 0 failed");
                        }
                        failing.await(); // every other step is still busy when node 0 fails
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        running.decrementAndGet();
                    }
                });
            } finally {
                stillRunningAtReturn.set(running.get());
            }
        }).isInstanceOf(LabException.class).hasMessage("node 0 failed");
        assertThat(stillRunningAtReturn).as("no step may still be making things when the caller cleans up")
                .hasValue(0);
        assertThat(started.get()).as("steps queued after the failure never start").isLessThan(items.size());
    }

    @Test
    void aRuntimeFailureComesBackAsItself() {
        assertThatThrownBy(() -> Parallel.forEach(List.of(1, 2, 3), i -> {
            if (i == 2) {
                throw new IllegalStateException("bad input");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("bad input");
    }

    @Test
    void mapKeepsTheItemsOrderWhateverOrderTheStepsEndIn() throws Exception {
        List<Integer> items = IntStream.range(0, 20).boxed().toList();
        List<String> results = Parallel.map(items, items.size(), i -> {
            try {
                Thread.sleep((20 - i) % 5); // later items tend to end first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "n" + i;
        });
        assertThat(results).containsExactlyElementsOf(items.stream().map(i -> "n" + i).toList());
    }

    @Test
    void aThreadCountOfOneRunsTheStepsOneAtATime() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Parallel.forEach(IntStream.range(0, 10).boxed().toList(), 1, i -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            running.decrementAndGet();
        });
        assertThat(most).hasValue(1);
    }
}
