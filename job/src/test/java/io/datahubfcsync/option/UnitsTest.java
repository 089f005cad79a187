package io.datahubfcsync.option;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {
    @Test
    void durationsReadBackWhatTheyAreFormattedAs() {
        for (Duration d : new Duration[] {
            Duration.ZERO,
            Duration.ofMillis(250),
            Duration.ofSeconds(90),
            Duration.ofMinutes(10),
            Duration.ofHours(24),
            Duration.ofDays(7)
        }) {
            assertThat(Units.duration(Units.formatDuration(d))).isEqualTo(d);
        }
        assertThat(Units.formatDuration(Duration.ofMinutes(90))).isEqualTo("90min");
        assertThat(Units.formatDuration(Duration.ofHours(2))).isEqualTo("2h");
    }

    @Test
    void sizesReadBackWhatTheyAreFormattedAs() {
        for (long b : new long[] {1, 1000, 1024, 1536, 4L << 20, 1L << 40}) {
            assertThat(Units.bytes(Units.formatBytes(b))).isEqualTo(b);
        }
        assertThat(Units.formatBytes(1536)).isEqualTo("1536B");
        assertThat(Units.formatBytes(4L << 20)).isEqualTo("4MiB");
    }

    @Test
    void aDurationNeedsAKnownUnitExceptZero() {
        assertThat(Units.duration("0")).isZero();
        assertThat(Units.duration(" 3 MIN ")).isEqualTo(Duration.ofMinutes(3));
        assertThatThrownBy(() -> Units.duration("3")).hasMessageContaining("3ms or 3s");
        assertThatThrownBy(() -> Units.duration("3d")).hasMessageContaining("unknown unit 'd'");
        assertThatThrownBy(() -> Units.duration("soon")).hasMessageContaining("expected a whole number with a unit");
    }
}
