package dev.vxlab.scenarios.property;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Zeller's ddmin: the smallest sub-list (in order) that still fails, found by removing ever smaller chunks. The
 * result is 1-minimal: removing any single element of it makes the failure go away.
 */
public final class DeltaDebugging {
    private DeltaDebugging() {}

    public static <E> List<E> minimize(List<E> failing, Predicate<List<E>> stillFails) {
        List<E> current = List.copyOf(failing);
        int chunks = 2;
        while (current.size() >= 2) {
            List<List<E>> parts = split(current, Math.min(chunks, current.size()));
            boolean reduced = false;
            for (List<E> part : parts) { // a single chunk alone
                if (part.size() < current.size() && stillFails.test(part)) {
                    current = part;
                    chunks = 2;
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                for (int i = 0; i < parts.size() && !reduced; i++) { // everything but one chunk
                    List<E> complement = new ArrayList<>();
                    for (int j = 0; j < parts.size(); j++) {
                        if (j != i) {
                            complement.addAll(parts.get(j));
                        }
                    }
                    if (stillFails.test(complement)) {
                        current = List.copyOf(complement);
                        chunks = Math.max(chunks - 1, 2);
                        reduced = true;
                    }
                }
            }
            if (!reduced) {
                if (chunks >= current.size()) {
                    break;
                }
                chunks = Math.min(chunks * 2, current.size());
            }
        }
        return current;
    }

    private static <E> List<List<E>> split(List<E> list, int n) {
        List<List<E>> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            int end = start + (list.size() - start) / (n - i);
            parts.add(List.copyOf(list.subList(start, end)));
            start = end;
        }
        return parts;
    }
}
