package dev.vxlab.scenarios.property;

/** Builds one random value from a seeded source; the same source state gives the same value. */
@FunctionalInterface
public interface Generator<T> {
    T next(Rng rng);
}
