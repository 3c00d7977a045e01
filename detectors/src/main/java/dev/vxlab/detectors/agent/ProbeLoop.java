package dev.vxlab.detectors.agent;

import dev.vxlab.detectors.advertised.ClusterView;
import dev.vxlab.detectors.advertised.SubnetEnv;
import dev.vxlab.detectors.netlink.ChangeEvent;
import dev.vxlab.detectors.netlink.StateDeltas;
import dev.vxlab.detectors.source.SnapshotException;
import dev.vxlab.detectors.source.SnapshotSource;
import dev.vxlab.detectors.spi.DetectionInput;
import dev.vxlab.detectors.spi.Diagnosis;
import dev.vxlab.detectors.spi.Doctor;
import dev.vxlab.detectors.spi.Finding;
import dev.vxlab.detectors.spi.FlannelConfig;
import dev.vxlab.detectors.state.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One iteration of the agent: snapshot the node, run every detector, and compare the findings with the previous
 * iteration's. After change events an iteration may instead bring the last snapshot up to date with them
 * ({@link StateDeltas}) and run only the detectors that read the parts that changed, keeping the others' last findings
 * (a delta pass); it takes a full snapshot whenever the events cannot say exactly what changed. Counters are compared
 * with the snapshot of the last counter pass (not of the last pass), so a burst of event-driven passes neither hides a
 * counter's rise nor makes a rise flicker; only counter passes move that baseline.
 * Not thread-safe: one loop per watcher thread.
 */
public final class ProbeLoop {
    private final String nodeName;
    private final SnapshotSource source;
    private final Doctor doctor;
    private final Supplier<ClusterView> advertised;
    private final Optional<SubnetEnv> subnetEnv;
    private final FlannelConfig flannel;
    private Optional<NodeState> counterBaseline = Optional.empty();
    private List<Finding> shown = List.of();
    /** The last pass's state and examination, and the input beside the state it examined. */
    private NodeState last;
    private Doctor.Examination examination;
    private ClusterView examinedView;
    private Optional<NodeState> examinedBaseline = Optional.empty();
    private long fullPasses;
    private long deltaPasses;
    private String lastRefusal = "";

    public ProbeLoop(String nodeName, SnapshotSource source, Doctor doctor, ClusterView advertised,
            Optional<SubnetEnv> subnetEnv, FlannelConfig flannel) {
        this(nodeName, source, doctor, constant(Objects.requireNonNull(advertised, "advertised")), subnetEnv, flannel);
    }

    /**
     * With an advertised view that may change between passes (the agent's, kept by a Kubernetes informer): each pass
     * reads it once, so one pass sees one view.
     */
    public ProbeLoop(String nodeName, SnapshotSource source, Doctor doctor, Supplier<ClusterView> advertised,
            Optional<SubnetEnv> subnetEnv, FlannelConfig flannel) {
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.source = Objects.requireNonNull(source, "source");
        this.doctor = Objects.requireNonNull(doctor, "doctor");
        this.advertised = Objects.requireNonNull(advertised, "advertised");
        this.subnetEnv = Objects.requireNonNull(subnetEnv, "subnetEnv");
        this.flannel = Objects.requireNonNull(flannel, "flannel");
    }

    /** No subnet.env, flannel's defaults. */
    public ProbeLoop(String nodeName, SnapshotSource source, Doctor doctor, ClusterView advertised) {
        this(nodeName, source, doctor, advertised, Optional.empty(), FlannelConfig.DEFAULT);
    }

    private static Supplier<ClusterView> constant(ClusterView view) {
        return () -> view;
    }

    /**
     * What one iteration saw and what changed since the previous one.
     *
     * @param state     the snapshot, or the last one brought up to date by events
     * @param diagnosis every finding now
     * @param appeared  findings not shown before (by fault, node and device)
     * @param cleared   findings shown before and gone now
     * @param delta     whether events updated the last state (no snapshot taken, only the detectors reading what
     *                  changed ran)
     */
    public record Iteration(NodeState state, Diagnosis diagnosis, List<Finding> appeared, List<Finding> cleared,
                            boolean delta) {
        public boolean changed() {
            return !appeared.isEmpty() || !cleared.isEmpty();
        }
    }

    /**
     * Snapshots, examines and diffs.
     *
     * @param counterPass whether this snapshot becomes the baseline the next counters are compared with (the timer's
     *                    passes; the first pass always is)
     */
    public Iteration iterate(boolean counterPass) throws SnapshotException {
        NodeState state = source.snapshot();
        ClusterView view = advertised.get();
        Doctor.Examination examined = doctor.examineEach(input(state, view));
        examinedBaseline = counterBaseline;
        if (counterPass || counterBaseline.isEmpty()) {
            counterBaseline = Optional.of(state);
        }
        fullPasses++;
        return finish(state, view, examined, false);
    }

    /**
     * Brings the last state up to date with the events heard since it (in the order heard) and examines it again,
     * running only the detectors that read what changed; a full snapshot instead when the events cannot be applied
     * exactly, before the first pass, or on an {@link ChangeEvent.Overrun}. Never a counter pass.
     */
    public Iteration iterate(List<ChangeEvent> events) throws SnapshotException {
        if (last == null) {
            return iterate(false);
        }
        StateDeltas.Outcome outcome = StateDeltas.apply(last, events);
        if (outcome instanceof StateDeltas.Refused refused) {
            lastRefusal = refused.reason();
            return iterate(false);
        }
        StateDeltas.Applied applied = (StateDeltas.Applied) outcome;
        NodeState state = applied.state();
        ClusterView view = advertised.get();
        Doctor.Examination examined;
        if (view != examinedView || counterBaseline.orElse(null) != examinedBaseline.orElse(null)) {
            // Detectors read the view and the baseline too: when either moved, every detector runs.
            examined = doctor.examineEach(input(state, view));
        } else if (applied.changed().isEmpty()) {
            examined = examination; // the events repeated what the state held
        } else {
            examined = doctor.reexamine(input(state, view), examination, applied.changed());
        }
        examinedBaseline = counterBaseline;
        deltaPasses++;
        return finish(state, view, examined, true);
    }

    private DetectionInput input(NodeState state, ClusterView view) {
        return new DetectionInput(nodeName, state, counterBaseline, view, subnetEnv, flannel);
    }

    private Iteration finish(NodeState state, ClusterView view, Doctor.Examination examined, boolean delta) {
        last = state;
        examination = examined;
        examinedView = view;
        List<Finding> now = examined.diagnosis().findings();
        List<Finding> appeared = missingFrom(now, shown);
        List<Finding> cleared = missingFrom(shown, now);
        shown = now;
        return new Iteration(state, examined.diagnosis(), appeared, cleared, delta);
    }

    /** Passes that took a full snapshot (the timer's, the first, after an overrun or a refused delta). */
    public long fullPasses() {
        return fullPasses;
    }

    /** Passes that brought the last state up to date with events instead. */
    public long deltaPasses() {
        return deltaPasses;
    }

    /** Why the last refused delta needed a full snapshot (empty before any was refused), for logs and tests. */
    public String lastRefusal() {
        return lastRefusal;
    }

    /**
     * The findings of {@code these} whose fault, node and device are not in {@code those}. A node has a handful of
     * findings at most, so a nested scan beats hashing; a healthy node (no findings) allocates nothing here.
     */
    private static List<Finding> missingFrom(List<Finding> these, List<Finding> those) {
        List<Finding> out = null;
        for (Finding f : these) {
            if (!containsSame(those, f)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(f);
            }
        }
        return out == null ? List.of() : List.copyOf(out);
    }

    private static boolean containsSame(List<Finding> findings, Finding f) {
        for (Finding g : findings) {
            if (g.fault().equals(f.fault()) && g.device().equals(f.device()) && g.node().equals(f.node())) {
                return true;
            }
        }
        return false;
    }
}
