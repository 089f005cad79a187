package io.datahubfcsync.delivery;

import io.datahubfcsync.fc.InvocationOutcome;
import io.datahubfcsync.fc.InvocationResult;
import io.datahubfcsync.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a batch's failed attempts against {@code retry.max-attempts} and says how long to pause
 * before the next one. The count is the batch's, not the process's: it is kept in state, so an
 * automatic restart (a failover of the same job) goes on counting where it was, and only a new run
 * of the job (a resubmission, told apart by the job id kept with the count) gives a restored batch
 * its full budget again.
 *
 * <p>The pause: a function error, timeout or network failure waits {@code retry.interval} (DataHub's
 * connector waits 1 s). Throttling and FC platform errors mean FC itself is overloaded: hammering it
 * every second makes that worse, so those double the pause per consecutive failure, up to a limit,
 * and the shard's {@code retryDelayMs} gauge shows it.
 */
final class RetryPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

    private final DeliveryConfig config;
    /** For throttling and platform errors; starts at the interval (at least 1 ms, so that it can double). */
    private final Backoff overloaded;

    RetryPolicy(DeliveryConfig config) {
        this.config = config;
        long intervalMs = config.retryInterval().toMillis();
        this.overloaded = new Backoff(
                Math.max(intervalMs, 1),
                Math.max(intervalMs, config.maxThrottleBackoff().toMillis()),
                0);
    }

    int maxAttempts() {
        return config.retryMaxAttempts();
    }

    boolean isExhausted(DeliveryLane lane) {
        return lane.failedAttempts >= config.retryMaxAttempts();
    }

    /**
     * Records the failed attempt on the lane.
     *
     * @return the pause before the next attempt in ms, or -1 when the batch is exhausted
     */
    long attemptFailed(DeliveryLane lane, InvocationResult result) {
        lane.attemptFailed(result.describe(), result.requestId());
        lane.metrics.failedAttempt();
        if (isExhausted(lane)) return -1;
        long delay = delayMs(result.outcome(), lane.failedAttempts);
        if (lane.failedAttempts == 1 || lane.failedAttempts % 32 == 0) {
            LOG.warn(
                    "{}: shard {} sequences {}..{} failed attempt {} of {} ({}); trying again in {} ms",
                    config.operatorName(),
                    lane.shardId,
                    lane.inFlight.firstSequence(),
                    lane.inFlight.lastSequence(),
                    lane.failedAttempts,
                    config.retryMaxAttempts(),
                    result.describe(),
                    delay);
        } else {
            LOG.debug(
                    "{}: shard {} failed attempt {}: {}",
                    config.operatorName(),
                    lane.shardId,
                    lane.failedAttempts,
                    result.describe());
        }
        return delay;
    }

    /** @param failedAttempts failed attempts of the batch so far, including the one just failed (≥ 1) */
    long delayMs(InvocationOutcome outcome, int failedAttempts) {
        if (outcome != InvocationOutcome.THROTTLED && outcome != InvocationOutcome.PLATFORM_ERROR) {
            return config.retryInterval().toMillis();
        }
        return overloaded.delayMs(failedAttempts);
    }

    /**
     * What a batch that was out at the restored checkpoint gets. In the same run (an automatic
     * restart) it keeps its count; a new run, typically after the function was fixed, starts again
     * at zero.
     */
    void restored(DeliveryLane lane, boolean sameRun) {
        if (!sameRun) lane.forgetFailedAttempts();
    }
}
