package io.datahubfcsync.delivery;

import io.datahubfcsync.fc.InvocationResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a batch's failed attempts against {@code retry.max-attempts} and says how long to pause
 * before the next one. The count is the batch's, not the process's: it is kept in state, so an
 * automatic restart (a failover of the same job) goes on counting where it was, and only a new run
 * of the job (a resubmission, told apart by the job id kept with the count) gives a restored batch
 * its full budget again.
 */
final class RetryPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

    private final DeliveryConfig config;
    private final RetryBackoff backoff;

    RetryPolicy(DeliveryConfig config) {
        this.config = config;
        this.backoff = new RetryBackoff(config.retryInterval().toMillis(), config.maxThrottleBackoff().toMillis());
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
        long delay = backoff.delayMs(result.outcome(), lane.failedAttempts);
        if (lane.failedAttempts == 1 || lane.failedAttempts % 32 == 0) {
            LOG.warn("{}: shard {} sequences {}..{} failed attempt {} of {} ({}); trying again in {} ms",
                    config.operatorName(), lane.shardId, lane.inFlight.firstSequence(), lane.inFlight.lastSequence(),
                    lane.failedAttempts, config.retryMaxAttempts(), result.describe(), delay);
        } else {
            LOG.debug("{}: shard {} failed attempt {}: {}", config.operatorName(), lane.shardId, lane.failedAttempts,
                    result.describe());
        }
        return delay;
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
