package dev.vxlab.detectors.agent;

import dev.vxlab.detectors.netlink.ChangeEvent;
import dev.vxlab.detectors.source.SnapshotException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a {@link ProbeLoop} whenever the node changes and on a timer: every change event (a burst of them is coalesced
 * into one pass: what is already queued when the first arrives is drained first) and every {@code counterInterval}
 * (counters such as otherhost drops change without any event). An event pass hands the loop the events themselves,
 * which it applies to its last state when it can ({@link ProbeLoop#iterate(List)}); the timer's passes and an
 * {@link ChangeEvent.Overrun} (notifications were lost) take a full snapshot, the safety net under the deltas. Runs
 * on the calling thread until {@link #stop()} or an interrupt. {@link #viewChanged()} runs a pass at once for a change
 * no netlink event announces (the advertised view's).
 */
public final class Watcher {
    /** At most this many queued events fold into one pass, so a storm of changes still gets examined. */
    static final int MAX_COALESCED = 4096;

    private final ProbeLoop loop;
    private final ChangeFeed feed;
    private final Duration counterInterval;
    private final boolean applyEvents;
    private volatile boolean stopped;
    private volatile Thread runner;
    /** Set by {@link #viewChanged()}, taken before the pass that reads the new view. */
    private final java.util.concurrent.atomic.AtomicBoolean viewChanged =
            new java.util.concurrent.atomic.AtomicBoolean();
    /** The events of one pass, reused from pass to pass. */
    private final List<ChangeEvent> batch = new ArrayList<>();

    public Watcher(ProbeLoop loop, ChangeFeed feed, Duration counterInterval) {
        this(loop, feed, counterInterval, true);
    }

    /**
     * @param applyEvents false to take a full snapshot on every event too (events then only say when): the way the
     *                    watcher worked before delta passes, kept as the baseline the benchmarks compare them with
     */
    public Watcher(ProbeLoop loop, ChangeFeed feed, Duration counterInterval, boolean applyEvents) {
        this.applyEvents = applyEvents;
        this.loop = Objects.requireNonNull(loop, "loop");
        this.feed = Objects.requireNonNull(feed, "feed");
        this.counterInterval = Objects.requireNonNull(counterInterval, "counterInterval");
        if (counterInterval.isNegative() || counterInterval.isZero()) {
            throw new IllegalArgumentException("the counter interval must be positive, not " + counterInterval);
        }
    }

    /** Why a pass ran. */
    public enum Trigger { START, EVENT, OVERRUN, TIMER, VIEW }

    /**
     * One pass of the watcher.
     *
     * @param trigger    what started it
     * @param at         when its snapshot was examined
     * @param heardNanos {@link System#nanoTime()} when the first event of the pass was received (the timer's moment
     *                   for timer passes), so a caller can tell how long the pass took to answer
     * @param events     how many events it coalesced
     * @param iteration  what the loop saw
     */
    public record Pass(Trigger trigger, Instant at, long heardNanos, int events, ProbeLoop.Iteration iteration) {
        /** The findings that appeared or cleared, stamped with the pass's moment. */
        public List<FindingChange> changes() {
            if (!iteration.changed()) {
                return List.of();
            }
            List<FindingChange> out = new ArrayList<>();
            iteration.appeared().forEach(f -> out.add(new FindingChange(at, FindingChange.Kind.APPEARED, f)));
            iteration.cleared().forEach(f -> out.add(new FindingChange(at, FindingChange.Kind.CLEARED, f)));
            return out;
        }
    }

    /** Receives every pass (most change nothing: look at {@link Pass#changes()}). */
    @FunctionalInterface
    public interface Listener {
        void passed(Pass pass);
    }

    /**
     * Watches until stopped or interrupted (then returns normally, the interrupt flag set again).
     *
     * @throws SnapshotException when a snapshot or the feed fails
     */
    public void run(Listener listener) throws SnapshotException {
        runner = Thread.currentThread();
        long intervalNanos = counterInterval.toNanos();
        long heard = System.nanoTime();
        listener.passed(pass(Trigger.START, heard, 0, true));
        long nextTick = heard + intervalNanos;
        try {
            while (!stopped && !Thread.currentThread().isInterrupted()) {
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    viewChanged.set(false); // this pass reads the view
                    listener.passed(pass(Trigger.TIMER, now, 0, true));
                    nextTick += intervalNanos;
                    if (System.nanoTime() - nextTick >= 0) { // fell behind (a slow pass, a suspended process)
                        nextTick = System.nanoTime() + intervalNanos;
                    }
                    continue;
                }
                Optional<ChangeEvent> event = feed.next(Duration.ofNanos(nextTick - now));
                boolean view = viewChanged.getAndSet(false); // before the pass reads the view: a later change wakes again
                if (event.isEmpty()) {
                    if (view) {
                        heard = System.nanoTime();
                        // no netlink change: the last state examined again against the new view (every detector runs)
                        ProbeLoop.Iteration iteration = applyEvents ? loop.iterate(List.of()) : loop.iterate(false);
                        listener.passed(new Pass(Trigger.VIEW, Instant.now(), heard, 0, iteration));
                    }
                    continue;
                }
                heard = System.nanoTime();
                batch.clear();
                batch.add(event.get());
                boolean overrun = event.get() instanceof ChangeEvent.Overrun;
                while (batch.size() < MAX_COALESCED && (event = feed.next(Duration.ZERO)).isPresent()) {
                    overrun |= event.get() instanceof ChangeEvent.Overrun;
                    batch.add(event.get());
                }
                int events = batch.size();
                ProbeLoop.Iteration iteration = overrun || !applyEvents ? loop.iterate(false) : loop.iterate(batch);
                batch.clear();
                listener.passed(new Pass(overrun ? Trigger.OVERRUN : Trigger.EVENT, Instant.now(), heard, events,
                        iteration));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            runner = null;
        }
    }

    /**
     * Makes {@link #run} return after the pass in progress: the waiting thread is interrupted (the watcher sleeps
     * until the next event or tick, never waking just to look at a flag, so an idle node costs nothing between them;
     * a feed's wait ends on the interrupt) and the feed woken.
     */
    public void stop() {
        stopped = true;
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
        feed.wakeUp();
    }

    /**
     * The advertised view changed (a Node object, from any thread): the watcher runs a pass now instead of at its next
     * event or tick, without a snapshot when it can (only the view moved). Passes already running read the view anew.
     */
    public void viewChanged() {
        viewChanged.set(true);
        feed.wakeUp();
    }

    private Pass pass(Trigger trigger, long heard, int events, boolean counterPass) throws SnapshotException {
        ProbeLoop.Iteration iteration = loop.iterate(counterPass);
        return new Pass(trigger, Instant.now(), heard, events, iteration);
    }
}
