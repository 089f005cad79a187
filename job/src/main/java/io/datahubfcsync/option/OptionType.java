package io.datahubfcsync.option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How the text of one job parameter becomes a value of type {@code T}, and which values are
 * allowed. A failed {@link #parse} says what is wrong and what would be accepted, without the key
 * (the caller puts the key and the typed text in front).
 */
public interface OptionType<T> {

    /** @throws IllegalArgumentException saying what is wrong and what is allowed */
    T parse(String text);

    /** The value as a user would type it (what the README shows as a default). */
    String format(T value);

    /** The allowed values in a few words, for the README table; never empty. */
    String allowed();

    /** Whole numbers {@code min..max}. */
    static OptionType<Integer> integer(int min, int max) {
        OptionType<Long> whole = ranged((long) min, (long) max, String::valueOf, Long::parseLong);
        return new Simple<>(
                whole.allowed(), String::valueOf, text -> whole.parse(text).intValue());
    }

    /** Sizes such as {@code 4MiB} (see {@link Units#bytes}), {@code min..max} bytes. */
    static OptionType<Long> bytes(long min, long max) {
        return ranged(min, max, Units::formatBytes, Units::bytes);
    }

    /** Durations such as {@code 500ms} or {@code 10min} (see {@link Units#duration}), {@code min..max}. */
    static OptionType<Duration> duration(Duration min, Duration max) {
        return ranged(min, max, Units::formatDuration, Units::duration);
    }

    /** {@code true} or {@code false}, in any case. */
    static OptionType<Boolean> bool() {
        return new Simple<>("`true`, `false`", String::valueOf, text -> {
            String v = text.toLowerCase(Locale.ROOT);
            if (v.equals("true")) return true;
            if (v.equals("false")) return false;
            throw new IllegalArgumentException("must be true or false");
        });
    }

    /**
     * One of an enum's constants, typed in lower case with {@code -} for {@code _} (any case is
     * accepted), e.g. {@code dead-letter} for {@code DEAD_LETTER}.
     */
    static <E extends Enum<E>> OptionType<E> choice(Class<E> type) {
        List<String> keys = new ArrayList<>();
        for (E e : type.getEnumConstants()) keys.add(choiceKey(e));
        StringBuilder allowed = new StringBuilder();
        for (String k : keys)
            allowed.append(allowed.length() == 0 ? "" : ", ")
                    .append('`')
                    .append(k)
                    .append('`');
        return new Simple<>(allowed.toString(), OptionType::choiceKey, text -> {
            String normalized = text.toUpperCase(Locale.ROOT).replace('-', '_');
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(normalized)) return e;
            }
            throw new IllegalArgumentException("is not one of " + String.join(", ", keys));
        });
    }

    /** Project, topic, service and function names: letters, digits, {@code _}, {@code -}, {@code .}. */
    static OptionType<String> name() {
        Pattern name = Pattern.compile("[A-Za-z0-9_.\\-]+");
        return new Simple<>("a name", Function.identity(), text -> {
            if (!name.matcher(text).matches()) {
                throw new IllegalArgumentException("must be a non-empty name of letters, digits, '_', '-' or '.'");
            }
            return text;
        });
    }

    /** Any text, e.g. a file path. */
    static OptionType<String> text(String allowed) {
        return new Simple<>(allowed, Function.identity(), Function.identity());
    }

    /**
     * A type of its own, for values only one option takes.
     *
     * @param parse throws {@link IllegalArgumentException} saying what is wrong and what is allowed
     */
    static <T> OptionType<T> of(String allowed, Function<T, String> format, Function<String, T> parse) {
        return new Simple<>(allowed, format, parse);
    }

    /**
     * Values read by {@code read} (which says what it expects when the text is not of its form),
     * from {@code min} to {@code max}.
     */
    private static <T extends Comparable<T>> OptionType<T> ranged(
            T min, T max, Function<T, String> format, Function<String, T> read) {
        String allowed = format.apply(min) + ".." + format.apply(max);
        return new Simple<>(allowed, format, text -> {
            T value;
            try {
                value = read.apply(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not a whole number (allowed " + allowed + ")");
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("is too large (allowed " + allowed + ")");
            }
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException("is out of range: allowed " + allowed);
            }
            return value;
        });
    }

    private static String choiceKey(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** An {@link OptionType} made of its three parts. */
    final class Simple<T> implements OptionType<T> {
        private final String allowed;
        private final Function<T, String> format;
        private final Function<String, T> parse;

        private Simple(String allowed, Function<T, String> format, Function<String, T> parse) {
            this.allowed = allowed;
            this.format = format;
            this.parse = parse;
        }

        @Override
        public T parse(String text) {
            return parse.apply(text);
        }

        @Override
        public String format(T value) {
            return format.apply(value);
        }

        @Override
        public String allowed() {
            return allowed;
        }
    }
}
