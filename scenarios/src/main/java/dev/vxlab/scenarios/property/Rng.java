package dev.vxlab.scenarios.property;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The seeded random source every generator draws from. One case is one seed: the same seed gives the same draws,
 * so a printed seed replays its case exactly.
 */
public final class Rng {
    private final long seed;
    private final SplittableRandom random;

    private Rng(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    public static Rng of(long seed) {
        return new Rng(seed);
    }

    /** The seed this source started from. */
    public long seed() {
        return seed;
    }

    /** A whole number from {@code min} to {@code max}, both included. */
    public int between(int min, int max) {
        if (max < min) {
            throw new IllegalArgumentException("empty range " + min + ".." + max);
        }
        return min + random.nextInt(max - min + 1);
    }

    public boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    public <E> E pick(List<E> options) {
        if (options.isEmpty()) {
            throw new IllegalArgumentException("nothing to pick from");
        }
        return options.get(random.nextInt(options.size()));
    }

    public long nextLong() {
        return random.nextLong();
    }
}
