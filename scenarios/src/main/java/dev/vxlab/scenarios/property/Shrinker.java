package dev.vxlab.scenarios.property;

import java.util.function.Predicate;

/** Makes a failing value smaller while it keeps failing; {@link #none()} keeps it as it is. */
@FunctionalInterface
public interface Shrinker<T> {

    /**
     * @param failing    a value the property fails for
     * @param stillFails whether a smaller candidate still fails (runs the property)
     * @return the smallest failing value found ({@code failing} itself when nothing smaller fails)
     */
    T shrink(T failing, Predicate<T> stillFails);

    static <T> Shrinker<T> none() {
        return (failing, stillFails) -> failing;
    }
}
