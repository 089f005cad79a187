package io.datahubfcsync.option;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobOptionTest {
    private enum Mode {
        FAST,
        DEAD_SLOW
    }

    private static final JobOption<Integer> COUNT =
            JobOption.withDefault("x.count", OptionType.integer(1, 100), 10, "how many");

    @Test
    void aDefaultIsShownAsTheTypeFormatsIt() {
        assertThat(COUNT.defaultText()).isEqualTo("10");
        assertThat(JobOption.withDefault("x.size", OptionType.bytes(1024, 32L << 20), 4L << 20, "")
                        .defaultText())
                .isEqualTo("4MiB");
        assertThat(JobOption.withDefault(
                                "x.wait",
                                OptionType.duration(Duration.ZERO, Duration.ofHours(1)),
                                Duration.ofMinutes(10),
                                "")
                        .defaultText())
                .isEqualTo("10min");
        assertThat(JobOption.withDefault("x.mode", OptionType.choice(Mode.class), Mode.DEAD_SLOW, "")
                        .defaultText())
                .isEqualTo("dead-slow");
    }

    @Test
    void aRequiredOptionAndAnOptionalOneSayWhatTheirAbsenceMeans() {
        JobOption<String> name = JobOption.required("x.name", OptionType.name(), "a name");
        assertThat(name.required()).isTrue();
        assertThat(name.defaultText()).isEqualTo("required");
        assertThat(name.hasDefaultValue()).isFalse();
        JobOption<Integer> rate = JobOption.optional("x.rate", OptionType.integer(1, 5), "unlimited", "per second");
        assertThat(rate.required()).isFalse();
        assertThat(rate.defaultText()).isEqualTo("unlimited");
        assertThatThrownBy(rate::defaultValue)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("x.rate");
    }

    @Test
    void aValueIsTrimmedParsedAndCheckedAgainstTheRange() {
        assertThat(COUNT.parse(" 42 ")).isEqualTo(42);
        assertThat(COUNT.allowed()).isEqualTo("1..100");
        assertThatThrownBy(() -> COUNT.parse("0")).hasMessage("--x.count '0' is out of range: allowed 1..100");
        assertThatThrownBy(() -> COUNT.parse("many"))
                .hasMessage("--x.count 'many' is not a whole number (allowed 1..100)");
        assertThatThrownBy(() -> COUNT.parse("99999999999999999999")).hasMessageContaining("is not a whole number");
    }

    @Test
    void sizesAndDurationsTakeTheirUnitsAndSayTheRangeInThem() {
        OptionType<Long> size = OptionType.bytes(1024, 32L << 20);
        assertThat(size.parse("512KiB")).isEqualTo(512L * 1024);
        assertThat(size.parse("2048")).isEqualTo(2048L);
        assertThat(size.allowed()).isEqualTo("1KiB..32MiB");
        assertThatThrownBy(() -> size.parse("64MiB")).hasMessage("is out of range: allowed 1KiB..32MiB");
        assertThatThrownBy(() -> size.parse("4MB")).hasMessageContaining("unknown unit 'MB'");
        assertThatThrownBy(() -> size.parse("999999999999999MiB")).hasMessageContaining("is too large");

        OptionType<Duration> wait = OptionType.duration(Duration.ZERO, Duration.ofDays(1));
        assertThat(wait.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(wait.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(wait.allowed()).isEqualTo("0ms..24h");
        assertThatThrownBy(() -> wait.parse("25h")).hasMessage("is out of range: allowed 0ms..24h");
        assertThatThrownBy(() -> wait.parse("5")).hasMessageContaining("a unit is required");
    }

    @Test
    void choicesTakeAnyCaseAndListTheValuesUsersType() {
        OptionType<Mode> mode = OptionType.choice(Mode.class);
        assertThat(mode.parse("Dead-Slow")).isEqualTo(Mode.DEAD_SLOW);
        assertThat(mode.parse("fast")).isEqualTo(Mode.FAST);
        assertThat(mode.allowed()).isEqualTo("`fast`, `dead-slow`");
        assertThatThrownBy(() -> mode.parse("quick")).hasMessage("is not one of fast, dead-slow");
    }

    @Test
    void booleansAndNamesAreStrict() {
        assertThat(OptionType.bool().parse("TRUE")).isTrue();
        assertThat(OptionType.bool().parse("false")).isFalse();
        assertThatThrownBy(() -> OptionType.bool().parse("yes")).hasMessage("must be true or false");
        assertThat(OptionType.name().parse("my_topic-1.v2")).isEqualTo("my_topic-1.v2");
        assertThatThrownBy(() -> OptionType.name().parse("a/b")).hasMessageContaining("letters, digits");
        assertThatThrownBy(() -> OptionType.name().parse("")).hasMessageContaining("non-empty");
    }

    @Test
    void problemsNameTheKeyAndTheTypedValue() {
        assertThat(COUNT.problem("7", "is odd")).isEqualTo("--x.count '7' is odd");
        assertThat(COUNT.problem("is required")).isEqualTo("--x.count is required");
    }
}
