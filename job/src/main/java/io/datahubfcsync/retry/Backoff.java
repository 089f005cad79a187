package io.datahubfcsync.retry;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential back-off: the pause after the n-th consecutive failure is {@code initial · 2^(n-1)},
 * capped at the maximum, with optional jitter so that many shards throttled at once do not retry in
 * lock step.
 *
 * <p>{@link #delayMs(int)} is the pure rule, for callers that keep the count of failures themselves
 * (the delivery lanes keep theirs in Flink state, so it survives a restart). {@link #nextDelayMs()}
 * and {@link #reset()} count for the caller (the source's readers, one instance per shard and kind of
 * wait). Not thread-safe when counting.
 */
public final class Backoff {
    /** Doublings beyond this are capped anyway for any maximum below about 146 years. */
    private static final int MAX_DOUBLINGS = 62;

    private final long initialMs;
    private final long maxMs;
    private final double jitter;
    /** Uniform in [0, 1). */
    private final DoubleSupplier random;

    private int attempts;

    /**
     * @param initialMs the first pause (at most {@code maxMs})
     * @param maxMs     no pause is longer
     * @param jitter    0 for exact pauses; else each pause is scaled by a random factor within
     *                  {@code 1 ± jitter} (and kept within 1 ms..{@code maxMs})
     */
    public Backoff(long initialMs, long maxMs, double jitter) {
        this(initialMs, maxMs, jitter, () -> ThreadLocalRandom.current().nextDouble());
    }

    Backoff(long initialMs, long maxMs, double jitter, DoubleSupplier random) {
        if (initialMs < 0 || maxMs < 0) {
            throw new IllegalArgumentException("back-off pauses must be >= 0 ms, got " + initialMs + " and " + maxMs);
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
        }
        this.initialMs = Math.min(initialMs, maxMs);
        this.maxMs = maxMs;
        this.jitter = jitter;
        this.random = random;
    }

    /**
     * The pause after {@code failedAttempts} consecutive failures (the one just seen included):
     * the initial pause after the first, doubling with each further one, up to the maximum.
     */
    public long delayMs(int failedAttempts) {
        int doublings = Math.min(Math.max(failedAttempts - 1, 0), MAX_DOUBLINGS);
        long base = initialMs > (maxMs >> doublings) ? maxMs : Math.min(maxMs, initialMs << doublings);
        if (jitter <= 0) return base;
        double factor = 1 + (random.getAsDouble() * 2 - 1) * jitter;
        return Math.max(1, Math.min(maxMs, Math.round(base * factor)));
    }

    /** Counts one more failure and returns the pause before the next attempt. */
    public long nextDelayMs() {
        attempts = attempts == Integer.MAX_VALUE ? attempts : attempts + 1;
        return delayMs(attempts);
    }

    /** Failures counted since the last reset. */
    public int attempts() {
        return attempts;
    }

    /** After a success: the next failure pauses the initial time again. */
    public void reset() {
        attempts = 0;
    }
}
