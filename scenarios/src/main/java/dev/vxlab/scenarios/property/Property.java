package dev.vxlab.scenarios.property;

/** A claim about every generated value: it returns normally when it holds; an {@link AssertionError} (or any exception) says it does not. */
@FunctionalInterface
public interface Property<T> {
    void check(T value) throws Exception;
}
