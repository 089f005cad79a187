package io.datahubfcsync.source.reader;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff between an initial and a maximum pause, with optional jitter so that many
 * shards throttled at once do not retry in lock step.
 */
final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private final double jitter;
    private long nextMs;
    private int attempts;

    Backoff(long initialMs, long maxMs, double jitter) {
        this.initialMs = Math.min(initialMs, maxMs);
        this.maxMs = maxMs;
        this.jitter = jitter;
        this.nextMs = this.initialMs;
    }

    /** The pause before the next attempt; each call doubles the following one up to the maximum. */
    long nextDelayMs() {
        long base = nextMs;
        nextMs = Math.min(maxMs, nextMs * 2);
        attempts++;
        if (jitter <= 0) return base;
        double factor = 1 + (ThreadLocalRandom.current().nextDouble() * 2 - 1) * jitter;
        return Math.max(1, Math.min(maxMs, Math.round(base * factor)));
    }

    /** Failed attempts since the last reset. */
    int attempts() {
        return attempts;
    }

    void reset() {
        nextMs = initialMs;
        attempts = 0;
    }
}
