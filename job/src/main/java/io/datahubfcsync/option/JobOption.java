package io.datahubfcsync.option;

import java.util.Objects;

/**
 * One job parameter a user can pass as {@code --key value}: its key, type, default, allowed values
 * and meaning, defined once (as Flink's {@code ConfigOption}s are). Parsing, the error messages,
 * the component configs' defaults and the README's parameter table are all made from it.
 *
 * <p>An option is required, has a default value, or may be left out, in which case its absence
 * means something the default text says ("none", "unlimited", "from `fc.endpoint`").
 */
public final class JobOption<T> {
    private final String key;
    private final OptionType<T> type;
    private final boolean required;
    private final T defaultValue; // null: required, or absence means what defaultText says
    private final String defaultText;
    private final String description;

    private JobOption(
            String key, OptionType<T> type, boolean required, T defaultValue, String defaultText, String description) {
        this.key = Objects.requireNonNull(key, "key");
        this.type = Objects.requireNonNull(type, "type");
        this.required = required;
        this.defaultValue = defaultValue;
        this.defaultText = Objects.requireNonNull(defaultText, "defaultText");
        this.description = Objects.requireNonNull(description, "description");
    }

    /** An option the user must give. */
    public static <T> JobOption<T> required(String key, OptionType<T> type, String description) {
        return new JobOption<>(key, type, true, null, "required", description);
    }

    /** An option with a default value, shown in the README as the type formats it. */
    public static <T> JobOption<T> withDefault(String key, OptionType<T> type, T defaultValue, String description) {
        Objects.requireNonNull(defaultValue, "defaultValue");
        return new JobOption<>(key, type, false, defaultValue, type.format(defaultValue), description);
    }

    /**
     * An option that may be left out, without a default value of its type.
     *
     * @param whenAbsent what leaving it out means, as the README's default column says it
     */
    public static <T> JobOption<T> optional(String key, OptionType<T> type, String whenAbsent, String description) {
        return new JobOption<>(key, type, false, null, whenAbsent, description);
    }

    public String key() {
        return key;
    }

    public OptionType<T> type() {
        return type;
    }

    public boolean required() {
        return required;
    }

    public boolean hasDefaultValue() {
        return defaultValue != null;
    }

    /** @throws IllegalStateException if the option has no default value */
    public T defaultValue() {
        if (defaultValue == null) throw new IllegalStateException(key + " has no default value");
        return defaultValue;
    }

    /** The default as the README shows it: the formatted default value, "required", or what absence means. */
    public String defaultText() {
        return defaultText;
    }

    /** The allowed values in a few words. */
    public String allowed() {
        return type.allowed();
    }

    public String description() {
        return description;
    }

    /**
     * The typed value of {@code text} (trimmed first).
     *
     * @throws IllegalArgumentException with {@link #problem}'s message
     */
    public T parse(String text) {
        String v = text.trim();
        try {
            return type.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(problem(v, e.getMessage()), e);
        }
    }

    /** A problem with a typed value, as every message shows it: {@code --key 'value' what}. */
    public String problem(String typed, String what) {
        return "--" + key + " '" + typed + "' " + what;
    }

    /** A problem with the option as a whole (missing, or not allowed with another): {@code --key what}. */
    public String problem(String what) {
        return "--" + key + " " + what;
    }

    @Override
    public String toString() {
        return key;
    }
}
