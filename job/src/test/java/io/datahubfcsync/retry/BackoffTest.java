package io.datahubfcsync.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void thePauseStartsAtTheInitialOneAndDoublesPerFailureUpToTheMaximum() {
        Backoff b = new Backoff(100, 1_000, 0);
        assertThat(List.of(b.delayMs(1), b.delayMs(2), b.delayMs(3), b.delayMs(4), b.delayMs(5), b.delayMs(6)))
                .containsExactly(100L, 200L, 400L, 800L, 1_000L, 1_000L);
        assertThat(b.delayMs(0)).as("no failure counts as the first").isEqualTo(100);
    }

    @Test
    void aVeryLongRunOfFailuresStaysAtTheMaximumWithoutOverflowing() {
        Backoff b = new Backoff(1_000, 30_000, 0);
        assertThat(b.delayMs(63)).isEqualTo(30_000);
        assertThat(b.delayMs(64)).isEqualTo(30_000);
        assertThat(b.delayMs(Integer.MAX_VALUE)).isEqualTo(30_000);
        assertThat(new Backoff(3, Long.MAX_VALUE, 0).delayMs(200)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void anInitialPauseAboveTheMaximumIsTheMaximumAndAZeroPauseStaysZero() {
        assertThat(new Backoff(5_000, 300, 0).delayMs(1)).isEqualTo(300);
        assertThat(new Backoff(0, 300, 0).delayMs(10)).isZero();
    }

    @Test
    void countingForTheCallerDoublesWithEachCallAndStartsOverAfterAReset() {
        Backoff b = new Backoff(20, 300, 0);
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 6; i++) pauses.add(b.nextDelayMs());
        assertThat(pauses).containsExactly(20L, 40L, 80L, 160L, 300L, 300L);
        assertThat(b.attempts()).isEqualTo(6);

        b.reset();
        assertThat(b.attempts()).isZero();
        assertThat(b.nextDelayMs()).isEqualTo(20);
        assertThat(b.attempts()).isEqualTo(1);
    }

    @Test
    void jitterScalesThePauseWithinItsBoundsAndNeverBeyondTheMaximumOrBelowOneMillisecond() {
        assertThat(new Backoff(1_000, 10_000, 0.2, () -> 0.0).delayMs(1)).isEqualTo(800);
        assertThat(new Backoff(1_000, 10_000, 0.2, () -> 0.5).delayMs(1)).isEqualTo(1_000);
        assertThat(new Backoff(1_000, 10_000, 0.2, () -> 0.75).delayMs(2)).isEqualTo(2_200);
        assertThat(new Backoff(1_000, 10_000, 0.2, () -> 0.999).delayMs(10))
                .as("capped")
                .isEqualTo(10_000);
        assertThat(new Backoff(1, 10_000, 0.5, () -> 0.0).delayMs(1))
                .as("at least 1 ms")
                .isEqualTo(1);
    }

    @Test
    void withRealRandomnessJitteredPausesSpreadWithinTheirBounds() {
        Backoff b = new Backoff(1_000, 60_000, 0.2);
        List<Long> pauses = new ArrayList<>();
        for (int i = 0; i < 200; i++) pauses.add(b.delayMs(1));
        assertThat(pauses).allSatisfy(p -> assertThat(p).isBetween(800L, 1_200L));
        assertThat(pauses.stream().distinct().count()).as("not in lock step").isGreaterThan(1);
    }

    @Test
    void negativePausesAndJitterOutsideZeroToOneAreRefused() {
        assertThatThrownBy(() -> new Backoff(-1, 100, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(">= 0 ms");
        assertThatThrownBy(() -> new Backoff(1, 100, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jitter");
        assertThatThrownBy(() -> new Backoff(1, 100, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
