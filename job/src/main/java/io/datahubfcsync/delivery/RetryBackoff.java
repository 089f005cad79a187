package io.datahubfcsync.delivery;

import io.datahubfcsync.fc.InvocationOutcome;

/**
 * The pause before the next attempt of a failed batch. A function error, timeout or network failure
 * waits {@code retry.interval} (DataHub's connector waits 1 s). Throttling and FC platform errors mean
 * FC itself is overloaded: hammering it every second makes that worse, so those double the pause per
 * consecutive failure, up to a limit, and the shard's {@code retryDelayMs} gauge shows it.
 */
final class RetryBackoff {
    private final long intervalMs;
    private final long maxBackoffMs;

    RetryBackoff(long intervalMs, long maxBackoffMs) {
        this.intervalMs = intervalMs;
        this.maxBackoffMs = Math.max(intervalMs, maxBackoffMs);
    }

    /** @param failedAttempts failed attempts of this batch so far, including the one just failed (≥ 1) */
    long delayMs(InvocationOutcome outcome, int failedAttempts) {
        if (outcome != InvocationOutcome.THROTTLED && outcome != InvocationOutcome.PLATFORM_ERROR) {
            return intervalMs;
        }
        int doublings = Math.min(Math.max(failedAttempts - 1, 0), 20);
        long delay = Math.max(intervalMs, 1) << doublings;
        return Math.min(delay, maxBackoffMs);
    }
}
