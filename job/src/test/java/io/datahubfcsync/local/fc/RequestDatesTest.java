package io.datahubfcsync.local.fc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestDatesTest {
    private final AtomicInteger parses = new AtomicInteger();
    private final RequestDates dates = new RequestDates(text -> {
        parses.incrementAndGet();
        return Instant.parse(text);
    });

    @Test
    void theSameTextInARowIsParsedOnceAndGivesTheSameInstant() {
        Instant first = dates.parse("2026-12-01T09:30:00Z");
        Instant again = dates.parse("2026-12-01T09:30:00Z");

        assertThat(first).isEqualTo(again).isEqualTo(Instant.parse("2026-12-01T09:30:00Z"));
        assertThat(parses).hasValue(1);
    }

    @Test
    void anotherTextIsParsedAnew() {
        dates.parse("2026-12-01T09:30:00Z");

        assertThat(dates.parse("2026-12-01T09:30:01Z")).isEqualTo(Instant.parse("2026-12-01T09:30:01Z"));
        assertThat(dates.parse("2026-12-01T09:30:00Z")).isEqualTo(Instant.parse("2026-12-01T09:30:00Z"));
        assertThat(parses).hasValue(3);
    }

    @Test
    void aMalformedTextIsRefusedEveryTimeAndForgetsNothingValid() {
        dates.parse("2026-12-01T09:30:00Z");

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> dates.parse("2026-12-01 09:30:00")).isInstanceOf(DateTimeParseException.class);
        }
        assertThat(parses).hasValue(3);
        assertThat(dates.parse("2026-12-01T09:30:00Z")).isEqualTo(Instant.parse("2026-12-01T09:30:00Z"));
        assertThat(parses).as("the last valid text is still remembered").hasValue(3);
    }
}
