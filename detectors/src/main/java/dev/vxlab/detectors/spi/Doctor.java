package dev.vxlab.detectors.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Runs detectors over one node's input and gathers their findings into a {@link Diagnosis}. Holds only its (immutable)
 * list of detectors, so one doctor may examine many nodes from many threads.
 */
public final class Doctor {
    private final List<Detector> detectors;
    /** Each detector's {@link Detector#reads()}, asked once, as a bitmask of {@link StatePart} ordinals. */
    private final int[] reads;

    private Doctor(List<Detector> detectors) {
        Set<String> names = new HashSet<>();
        for (Detector d : detectors) {
            if (!names.add(d.name())) {
                throw new IllegalArgumentException("two detectors are named " + d.name());
            }
        }
        this.detectors = detectors.stream().sorted(Comparator.comparing(Detector::name)).toList();
        this.reads = this.detectors.stream().mapToInt(d -> mask(d.reads())).toArray();
    }

    /** Every detector {@link ServiceLoader} finds through the thread's context class loader (the built-ins included). */
    public static Doctor load() {
        return load(Thread.currentThread().getContextClassLoader());
    }

    public static Doctor load(ClassLoader loader) {
        List<Detector> found = new ArrayList<>();
        ServiceLoader.load(Detector.class, loader).forEach(found::add);
        return new Doctor(found);
    }

    /** Exactly these detectors (tests, or a caller that picks some). */
    public static Doctor of(List<? extends Detector> detectors) {
        return new Doctor(List.copyOf(detectors));
    }

    /** The detectors, by name. */
    public List<Detector> detectors() {
        return detectors;
    }

    /** Every detector on the input; the fallbacks last, each given what the others found. */
    public Diagnosis examine(DetectionInput input) {
        return examineEach(input).diagnosis();
    }

    /**
     * The findings of one examination, kept per detector so that the next one can reuse those of the detectors whose
     * parts did not change.
     *
     * @param diagnosis  every finding
     * @param byDetector each detector's findings, in {@link #detectors()} order
     * @param ran        how many detectors ran (the others' findings were reused)
     */
    public record Examination(Diagnosis diagnosis, List<List<Finding>> byDetector, int ran) {
        public Examination {
            Objects.requireNonNull(diagnosis, "diagnosis");
            byDetector = List.copyOf(byDetector);
        }
    }

    /** Every detector on the input, each one's findings kept apart. */
    public Examination examineEach(DetectionInput input) {
        return reexamine(input, null, StatePart.ALL);
    }

    /**
     * The input examined again after a change of the snapshot's {@code changed} parts alone (the rest of the input as
     * {@code last} saw it): the detectors that read none of those parts keep their findings from {@code last}; the
     * others and every fallback run.
     *
     * @param last an examination of this doctor, or null to run every detector
     */
    public Examination reexamine(DetectionInput input, Examination last, Set<StatePart> changed) {
        if (last != null && last.byDetector().size() != detectors.size()) {
            throw new IllegalArgumentException("the last examination is another doctor's: "
                    + last.byDetector().size() + " detectors, not " + detectors.size());
        }
        int changedMask = mask(changed);
        List<List<Finding>> each = new ArrayList<>(detectors.size());
        List<Finding> findings = new ArrayList<>();
        int ran = 0;
        for (int i = 0; i < detectors.size(); i++) {
            Detector d = detectors.get(i);
            List<Finding> found = List.of();
            if (!d.fallback()) {
                if (last == null || (reads[i] & changedMask) != 0) {
                    found = run(d, input, null);
                    ran++;
                } else {
                    found = last.byDetector().get(i);
                }
                findings.addAll(found);
            }
            each.add(found);
        }
        List<Finding> specific = List.copyOf(findings);
        for (int i = 0; i < detectors.size(); i++) {
            Detector d = detectors.get(i);
            if (d.fallback()) {
                List<Finding> found = run(d, input, specific);
                ran++;
                findings.addAll(found);
                each.set(i, found);
            }
        }
        return new Examination(Diagnosis.of(input.nodeName(), findings), each, ran);
    }

    private static int mask(Set<StatePart> parts) {
        int mask = 0;
        for (StatePart part : parts) {
            mask |= 1 << part.ordinal();
        }
        return mask;
    }

    private static List<Finding> run(Detector d, DetectionInput input, List<Finding> others) {
        try {
            return others == null ? d.examine(input) : d.examine(input, others);
        } catch (RuntimeException e) {
            throw new IllegalStateException("detector " + d.name() + " failed on node " + input.nodeName()
                    + ": " + e.getMessage(), e);
        }
    }
}
