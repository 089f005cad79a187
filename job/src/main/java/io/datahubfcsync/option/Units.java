package io.datahubfcsync.option;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations ({@code 500ms}, {@code 1s}, {@code 10min}) and sizes ({@code 4MiB}) users type. */
public final class Units {
    private static final Pattern AMOUNT = Pattern.compile("\\s*(\\d{1,15})\\s*([A-Za-z]*)\\s*");

    private Units() {}

    /** @throws IllegalArgumentException with the allowed forms */
    public static Duration duration(String text) {
        Matcher m = AMOUNT.matcher(text);
        if (!m.matches())
            throw new IllegalArgumentException(
                    "expected a whole number with a unit: ms, s, min or h (e.g. 1s, 500ms, 10min)");
        long n = Long.parseLong(m.group(1));
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
                return Duration.ofSeconds(n);
            case "min":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            case "":
                if (n == 0) return Duration.ZERO; // zero is zero in every unit (e.g. suspend.probe-interval 0 = never)
                throw new IllegalArgumentException(
                        "a unit is required: ms, s, min or h (e.g. " + n + "ms or " + n + "s)");
            default:
                throw new IllegalArgumentException("unknown unit '" + m.group(2) + "': use ms, s, min or h");
        }
    }

    /** Bytes; {@code B}, {@code KiB}, {@code MiB} (also a bare number of bytes). */
    public static long bytes(String text) {
        Matcher m = AMOUNT.matcher(text);
        if (!m.matches())
            throw new IllegalArgumentException(
                    "expected a whole number of bytes with an optional unit B, KiB or MiB (e.g. 4MiB)");
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "":
            case "B":
                return n;
            case "KiB":
                return Math.multiplyExact(n, 1024L);
            case "MiB":
                return Math.multiplyExact(n, 1024L * 1024L);
            default:
                throw new IllegalArgumentException(
                        "unknown unit '" + m.group(2) + "': use B, KiB or MiB (binary, case-sensitive)");
        }
    }

    /** The largest unit that {@link #duration} reads back exactly, e.g. {@code 10min}, {@code 24h}. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) return "0ms";
        if (ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0) return ms / 60_000 + "min";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }

    /** The largest unit that {@link #bytes} reads back exactly, e.g. {@code 4MiB}. */
    public static String formatBytes(long b) {
        if (b % (1024L * 1024L) == 0) return b / (1024L * 1024L) + "MiB";
        if (b % 1024L == 0) return b / 1024L + "KiB";
        return b + "B";
    }
}
