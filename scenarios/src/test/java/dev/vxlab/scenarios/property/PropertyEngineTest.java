package dev.vxlab.scenarios.property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vxlab.lab.fault.FaultCatalog;
import dev.vxlab.lab.spec.ClusterSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The engine itself: seeds replay, shrinking finds the planted minimal case, generators stay within bounds. */
class PropertyEngineTest {

    /**
     * A planted bug: the property fails whenever a schedule holds routes-flushed on node 1 and a vtep-mac-drift
     * anywhere (any parameters), in a cluster of at least 3 nodes. The minimal failing case is exactly those two
     * faults, the drift with its default parameters on node 0, on 3 nodes of the field's plan.
     */
    private static void plantedBug(FaultCase c) {
        List<ScheduledFault> faults = c.schedule().faults();
        boolean flushed = faults.stream().anyMatch(f -> f.id().equals("routes-flushed") && f.node() == 1);
        boolean drift = faults.stream().anyMatch(f -> f.id().equals("vtep-mac-drift"));
        assertThat(flushed && drift && c.shape().nodes() >= 3).as("planted bug").isFalse();
    }

    @Test
    void aPlantedFailureShrinksToTheKnownMinimalCase() {
        var runner = PropertyRunner.of("planted", FaultScheduleGenerator.cases(), PropertyEngineTest::plantedBug)
                .shrinker(new FaultCaseShrinker()).describe(FaultCase::toString);
        // A failing case built by hand: noise around the two faults that matter, odd parameters, a big cluster.
        ClusterShape big = new ClusterShape(AddressPlan.ALL.get(1), 6);
        FaultCase failing = new FaultCase(big, new FaultSchedule(List.of(
                new ScheduledFault("ip-forward-off", 4, Map.of()),
                new ScheduledFault("vtep-mac-drift", 2, Map.of("mac", "02:11:22:33:44:55")),
                new ScheduledFault("link-down", 5, Map.of("device", "cni0")),
                new ScheduledFault("routes-flushed", 1, Map.of()))));
        List<FaultCase> tried = new ArrayList<>();
        FaultCase minimal = new FaultCaseShrinker().shrink(failing, candidate -> {
            tried.add(candidate);
            try {
                plantedBug(candidate);
                return false;
            } catch (AssertionError e) {
                return true;
            }
        });
        assertThat(minimal).isEqualTo(new FaultCase(new ClusterShape(AddressPlan.FIELD, 3), new FaultSchedule(List.of(
                new ScheduledFault("vtep-mac-drift", 0, Map.of()),
                new ScheduledFault("routes-flushed", 1, Map.of())))));
        assertThat(tried).as("every candidate was a runnable schedule")
                .allMatch(c -> ScheduleRules.valid(c.schedule().faults(), c.shape().spec()));

        // Through the runner: the failure is found among generated cases, shrunk the same way, and its seed printed.
        assertThatThrownBy(() -> runner.baseSeed(7).cases(5000).run())
                .isInstanceOf(PropertyRunner.PropertyFailedError.class)
                .hasMessageContaining("replay it with -Dvxlab.seed=")
                .satisfies(e -> {
                    var failed = (PropertyRunner.PropertyFailedError) e;
                    FaultCase shrunk = (FaultCase) failed.minimal();
                    assertThat(shrunk).isEqualTo(new FaultCase(new ClusterShape(AddressPlan.FIELD, 3),
                            new FaultSchedule(shrunk.schedule().faults().getFirst().id().equals("vtep-mac-drift")
                                    ? List.of(new ScheduledFault("vtep-mac-drift", 0, Map.of()),
                                            new ScheduledFault("routes-flushed", 1, Map.of()))
                                    : List.of(new ScheduledFault("routes-flushed", 1, Map.of()),
                                            new ScheduledFault("vtep-mac-drift", 0, Map.of())))));
                    // The printed seed generates the very case that failed first.
                    FaultCase replayed = runner.generate(failed.seed());
                    assertThatThrownBy(() -> plantedBug(replayed)).isInstanceOf(AssertionError.class);
                });
    }

    @Test
    void aSeedReplaysExactlyItsCase() {
        var runner = PropertyRunner.of("replay", FaultScheduleGenerator.cases(), c -> { });
        for (long seed = -50; seed < 50; seed++) {
            assertThat(runner.generate(seed)).isEqualTo(runner.generate(seed));
        }
        // Replay runs that one case only: the property sees exactly the case the seed generates.
        List<FaultCase> seen = new ArrayList<>();
        var replay = PropertyRunner.of("replay", FaultScheduleGenerator.cases(), seen::add).cases(1000).replay(4242);
        var stats = replay.run();
        assertThat(stats.replayed()).isTrue();
        assertThat(stats.cases()).isEqualTo(1);
        assertThat(seen).containsExactly(runner.generate(4242));
        // And a replayed failure reports the same seed.
        assertThatThrownBy(() -> PropertyRunner.of("fails", FaultScheduleGenerator.cases(), c -> {
            throw new AssertionError("always");
        }).replay(99).run()).hasMessageContaining("seed 99").hasMessageContaining("-Dvxlab.seed=99");
    }

    @Test
    void generatorsStayWithinBounds() {
        Set<String> ids = new HashSet<>();
        Set<String> plans = new HashSet<>();
        Set<Integer> sizes = new HashSet<>();
        Set<Integer> lengths = new HashSet<>();
        for (long seed = 0; seed < 3000; seed++) {
            FaultCase c = FaultScheduleGenerator.cases().next(Rng.of(seed));
            ClusterSpec spec = c.shape().spec();
            assertThat(spec.nodes()).hasSizeBetween(2, 6);
            assertThat(c.schedule().faults()).hasSizeBetween(1, 4);
            assertThat(ScheduleRules.whyInvalid(c.schedule().faults(), spec)).isEmpty();
            for (ScheduledFault f : c.schedule().faults()) {
                assertThat(f.node()).isBetween(0, spec.nodes().size() - 1);
                // every generated fault builds through the lab's own catalog, with its own parameter checks
                assertThat(f.toFault(spec).node()).isEqualTo(spec.nodes().get(f.node()).name());
                ids.add(f.id());
            }
            plans.add(c.shape().plan().name());
            sizes.add(spec.nodes().size());
            lengths.add(c.schedule().faults().size());
        }
        assertThat(ids).as("every fault of the catalog is generated").containsExactlyInAnyOrderElementsOf(
                FaultCatalog.ids());
        assertThat(plans).hasSize(AddressPlan.ALL.size());
        assertThat(sizes).containsExactlyInAnyOrder(2, 3, 4, 5, 6);
        assertThat(lengths).containsExactlyInAnyOrder(1, 2, 3, 4);
    }

    @Test
    void deltaDebuggingFindsAOneMinimalSubset() {
        List<Integer> all = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        List<Integer> minimal = DeltaDebugging.minimize(all, l -> l.contains(3) && l.contains(8) && l.contains(11));
        assertThat(minimal).containsExactly(3, 8, 11);
        assertThat(DeltaDebugging.minimize(all, l -> l.contains(5))).containsExactly(5);
    }

    @Test
    void aSeedThatIsNotANumberIsOneSentence() {
        String old = System.getProperty(PropertyRunner.SEED_PROPERTY);
        System.setProperty(PropertyRunner.SEED_PROPERTY, "abc");
        try {
            assertThatThrownBy(() -> PropertyRunner.of("x", FaultScheduleGenerator.cases(), c -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("-Dvxlab.seed=abc is not a whole number");
        } finally {
            if (old == null) {
                System.clearProperty(PropertyRunner.SEED_PROPERTY);
            } else {
                System.setProperty(PropertyRunner.SEED_PROPERTY, old);
            }
        }
    }

    /** Lists of 3 to 8 numbers below 10; the property below fails for any list holding a 7. */
    private static final Generator<List<Integer>> NUMBERS = rng -> {
        List<Integer> out = new ArrayList<>();
        for (int i = rng.between(3, 8); i > 0; i--) {
            out.add(rng.between(0, 9));
        }
        return out;
    };

    private static void noSeven(List<Integer> numbers) {
        assertThat(numbers).as("no seven in " + numbers).doesNotContain(7);
    }

    /** A seed whose generated case holds a 7 and some other number, so there is something to shrink. */
    private static long seedWithASevenAndMore() {
        var runner = PropertyRunner.of("find", NUMBERS, c -> { });
        for (long seed = 0; ; seed++) {
            List<Integer> c = runner.generate(seed);
            if (c.contains(7) && c.stream().anyMatch(n -> n != 7)) {
                return seed;
            }
        }
    }

    @Test
    void aShrunkCaseIsRunAgainAndReportedWhenItStillFails() {
        long seed = seedWithASevenAndMore();
        var runner = PropertyRunner.of("sevens", NUMBERS, PropertyEngineTest::noSeven)
                .shrinker((failing, stillFails) -> DeltaDebugging.minimize(failing, stillFails::test)).replay(seed);
        assertThatThrownBy(runner::run).isInstanceOf(PropertyRunner.PropertyFailedError.class)
                .hasMessageContaining("shrunk to: [7]").hasMessageContaining("because:   [no seven in [7]]")
                .satisfies(e -> assertThat(((PropertyRunner.PropertyFailedError) e).minimal()).isEqualTo(List.of(7)));
    }

    @Test
    void aBrokenShrinkerIsNotReportedAsTheMinimalCase() {
        long seed = seedWithASevenAndMore();
        List<List<Integer>> askedAbout = new ArrayList<>();
        // Returns a case it never saw fail: the empty list, which passes.
        Shrinker<List<Integer>> broken = (failing, stillFails) -> {
            askedAbout.add(failing);
            return List.of();
        };
        var runner = PropertyRunner.of("sevens", NUMBERS, PropertyEngineTest::noSeven).shrinker(broken).replay(seed);
        List<Integer> generated = runner.generate(seed);

        assertThatThrownBy(runner::run).isInstanceOf(PropertyRunner.PropertyFailedError.class)
                .hasMessageContaining("generated: " + generated)
                .hasMessageContaining("not shrunk: shrinking did not reproduce the failure (its minimal case []"
                        + " passed when run again")
                .hasMessageNotContaining("shrunk to:")
                .hasMessageContaining("because:   [no seven in " + generated + "]")
                .satisfies(e -> {
                    var failed = (PropertyRunner.PropertyFailedError) e;
                    assertThat(failed.minimal()).as("the original case stands").isEqualTo(generated);
                    assertThat(failed.seed()).isEqualTo(seed);
                    assertThat(failed.getCause()).hasMessageContaining("no seven in " + generated);
                });
        assertThat(askedAbout).containsExactly(generated);
    }

    @Test
    void aFlakyFailureThatPassesOnItsReRunIsReportedAsTheOriginalCase() {
        int[] runs = {0};
        // Fails the first time it runs, passes every time after: a flaky kernel case.
        Property<List<Integer>> flaky = c -> {
            runs[0]++;
            assertThat(runs[0]).as("flaky on its first run").isGreaterThan(1);
        };
        var runner = PropertyRunner.of("flaky", NUMBERS, flaky)
                .shrinker((failing, stillFails) -> DeltaDebugging.minimize(failing, stillFails::test)).replay(42);
        List<Integer> generated = runner.generate(42);

        assertThatThrownBy(runner::run).isInstanceOf(PropertyRunner.PropertyFailedError.class)
                .hasMessageContaining("not shrunk: shrinking did not reproduce the failure")
                .hasMessageNotContaining("shrunk to:")
                .hasMessageContaining("flaky on its first run")
                .satisfies(e -> assertThat(((PropertyRunner.PropertyFailedError) e).minimal()).isEqualTo(generated));
        assertThat(runs[0]).as("the first run, the shrinker's candidates, the minimal case once more")
                .isGreaterThan(2);
    }
}
