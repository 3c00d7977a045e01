package dev.vxlab.detectors.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Runs detectors over one node's input and gathers their findings into a {@link Diagnosis}. Holds only its (immutable)
 * list of detectors, so one doctor may examine many nodes from many threads.
 */
public final class Doctor {
    private final List<Detector> detectors;

    private Doctor(List<Detector> detectors) {
        Set<String> names = new HashSet<>();
        for (Detector d : detectors) {
            if (!names.add(d.name())) {
                throw new IllegalArgumentException("two detectors are named " + d.name());
            }
        }
        this.detectors = detectors.stream().sorted(Comparator.comparing(Detector::name)).toList();
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
        List<Finding> findings = new ArrayList<>();
        for (Detector d : detectors) {
            if (!d.fallback()) {
                findings.addAll(run(d, input, null));
            }
        }
        List<Finding> specific = List.copyOf(findings);
        for (Detector d : detectors) {
            if (d.fallback()) {
                findings.addAll(run(d, input, specific));
            }
        }
        return Diagnosis.of(input.nodeName(), findings);
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
