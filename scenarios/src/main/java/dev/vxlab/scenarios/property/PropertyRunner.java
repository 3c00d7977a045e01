package dev.vxlab.scenarios.property;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Runs a property over generated cases, one seed per case. Case {@code i} of a run is generated from seed
 * {@code base + i}; the first failure is shrunk and reported with its seed, and {@code -Dvxlab.seed=SEED} (or
 * {@link #replay}) runs exactly that one case again, then shrinks it the same way. The shrunk case is run once more
 * before it is reported; if it passes, the report shows the original case and says that shrinking did not reproduce
 * the failure.
 *
 * <pre>
 * RunStats stats = PropertyRunner.of("doctor explains", generator, property).cases(5000).shrinker(s).run();
 * </pre>
 */
public final class PropertyRunner<T> {
    /** The system property that replays one case: {@code -Dvxlab.seed=1234}. */
    public static final String SEED_PROPERTY = "vxlab.seed";
    /**
     * The system property that fixes where a run's seeds start, {@code -Dvxlab.baseSeed=1234}: CI derives it from the
     * commit, so a commit always meets the same cases (its run can be repeated) while each commit explores new ones.
     */
    public static final String BASE_SEED_PROPERTY = "vxlab.baseSeed";

    private final String name;
    private final Generator<T> generator;
    private final Property<T> property;
    private int cases = 100;
    private Shrinker<T> shrinker = Shrinker.none();
    private Function<T, String> describe = String::valueOf;
    private OptionalLong replay = OptionalLong.empty();
    private long base = defaultBaseSeed();

    private PropertyRunner(String name, Generator<T> generator, Property<T> property) {
        this.name = Objects.requireNonNull(name);
        this.generator = Objects.requireNonNull(generator);
        this.property = Objects.requireNonNull(property);
        String seed = System.getProperty(SEED_PROPERTY);
        if (seed != null && !seed.isBlank()) {
            try {
                replay = OptionalLong.of(Long.parseLong(seed.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + SEED_PROPERTY + "=" + seed + " is not a whole number");
            }
        }
    }

    public static <T> PropertyRunner<T> of(String name, Generator<T> generator, Property<T> property) {
        return new PropertyRunner<>(name, generator, property);
    }

    /** How many cases a run generates (a replay runs one). */
    public PropertyRunner<T> cases(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a run needs at least one case");
        }
        this.cases = count;
        return this;
    }

    public PropertyRunner<T> shrinker(Shrinker<T> s) {
        this.shrinker = Objects.requireNonNull(s);
        return this;
    }

    /** How a case prints in a failure report (default: its {@code toString}). */
    public PropertyRunner<T> describe(Function<T, String> d) {
        this.describe = Objects.requireNonNull(d);
        return this;
    }

    /** {@code -Dvxlab.baseSeed} when given, else a random seed. */
    public static long defaultBaseSeed() {
        String given = System.getProperty(BASE_SEED_PROPERTY);
        if (given == null || given.isBlank()) {
            return new SplittableRandom().nextLong();
        }
        try {
            return Long.parseLong(given.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + BASE_SEED_PROPERTY + "=" + given + " is not a whole number");
        }
    }

    /** Where this run's seeds start (default: {@link #defaultBaseSeed()}). */
    public PropertyRunner<T> baseSeed(long seed) {
        this.base = seed;
        return this;
    }

    /** Runs only the case of this seed (what {@code -Dvxlab.seed} does). */
    public PropertyRunner<T> replay(long seed) {
        this.replay = OptionalLong.of(seed);
        return this;
    }

    /** The case a seed generates. */
    public T generate(long seed) {
        return generator.next(Rng.of(seed));
    }

    /** A run that passed: how many cases held, and whether it was a one-seed replay. */
    public record RunStats(String name, int cases, boolean replayed) {}

    /**
     * A property failure, shrunk: the seed, the original and minimal cases and why the minimal one fails. When the
     * minimal case passed on its re-run, {@link #minimal()} is the original case and the cause its own failure.
     */
    public static final class PropertyFailedError extends AssertionError {
        private final long seed;
        private final transient Object minimal;

        PropertyFailedError(String message, long seed, Object minimal, Throwable cause) {
            super(message, cause);
            this.seed = seed;
            this.minimal = minimal;
        }

        public long seed() {
            return seed;
        }

        public Object minimal() {
            return minimal;
        }
    }

    /**
     * Runs the cases; on the first failure shrinks it and throws a {@link PropertyFailedError} whose message starts
     * with the seed and the line that replays it.
     */
    public RunStats run() {
        if (replay.isPresent()) {
            runOne(replay.getAsLong(), 0);
            return new RunStats(name, 1, true);
        }
        for (int i = 0; i < cases; i++) {
            runOne(base + i, i);
        }
        return new RunStats(name, cases, false);
    }

    private void runOne(long seed, int index) {
        T value = generate(seed);
        AssertionError failure = failure(value);
        if (failure == null) {
            return;
        }
        T shrunk = shrinker.shrink(value, candidate -> failure(candidate) != null);
        // The minimal case is run once more: a report must show a case that fails. When it passes (a flaky case, or
        // a shrinker that returned something it never saw fail), the original case and its own failure are reported.
        AssertionError minimalFailure = failure(shrunk);
        String head = name + " failed for seed " + seed + " (case " + (index + 1) + "); replay it with -D"
                + SEED_PROPERTY + "=" + seed + "\n  generated: " + describe.apply(value);
        if (minimalFailure == null) {
            String message = head + "\n  not shrunk: shrinking did not reproduce the failure (its minimal case "
                    + describe.apply(shrunk) + " passed when run again: a flaky case or a broken shrinker)"
                    + "\n  because:   " + failure.getMessage();
            System.out.println(message);
            throw new PropertyFailedError(message, seed, value, failure);
        }
        String message = head + "\n  shrunk to: " + describe.apply(shrunk)
                + "\n  because:   " + minimalFailure.getMessage();
        System.out.println(message);
        throw new PropertyFailedError(message, seed, shrunk, minimalFailure);
    }

    /**
     * The property's failure for the value, or null when it holds. An exception is a failure too (a fix that cannot
     * be applied, a lab command that fails): it gets the same seed, replay and shrinking.
     */
    private AssertionError failure(T value) {
        try {
            property.check(value);
            return null;
        } catch (AssertionError e) {
            return e;
        } catch (Exception e) {
            return new AssertionError("threw " + e, e);
        }
    }
}
