package dev.vxlab.agent.fix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FixRateTest {
    private static final long MINUTE = Duration.ofMinutes(1).toNanos();

    @Test
    void parsesCountAndWindow() {
        assertThat(FixRate.parse("1/5m")).isEqualTo(new FixRate(1, Duration.ofMinutes(5)));
        assertThat(FixRate.parse("3/1h")).isEqualTo(new FixRate(3, Duration.ofHours(1)));
        assertThat(FixRate.parse("2/30s")).isEqualTo(new FixRate(2, Duration.ofSeconds(30)));
        assertThat(FixRate.parse("1/500ms")).isEqualTo(new FixRate(1, Duration.ofMillis(500)));
    }

    @Test
    void refusesWhatIsNoRate() {
        assertThatThrownBy(() -> FixRate.parse("3")).hasMessageContaining("'3' is not a fix rate such as 1/5m");
        assertThatThrownBy(() -> FixRate.parse("1/5d")).hasMessageContaining("not a fix rate");
        assertThatThrownBy(() -> FixRate.parse("0/5m")).hasMessageContaining("at least one fix");
        assertThatThrownBy(() -> FixRate.parse("1/0s")).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> FixRate.parse("99999999999/1s")).hasMessageContaining("too large");
    }

    @Test
    void allowsAtMostCountInAnySlidingWindow() {
        FixRate.Limiter limiter = new FixRate(2, Duration.ofMinutes(5)).limiter();
        long t = 1_000_000_000L;
        assertThat(limiter.tryAcquire(t)).isTrue();
        assertThat(limiter.tryAcquire(t + MINUTE)).isTrue();
        assertThat(limiter.tryAcquire(t + 2 * MINUTE)).as("a third within 5 min").isFalse();
        assertThat(limiter.tryAcquire(t + 5 * MINUTE - 1)).isFalse();
        assertThat(limiter.tryAcquire(t + 5 * MINUTE)).as("the first left the window").isTrue();
        assertThat(limiter.tryAcquire(t + 5 * MINUTE + 1)).as("the second is still in it").isFalse();
        assertThat(limiter.tryAcquire(t + 6 * MINUTE)).isTrue();
    }
}
