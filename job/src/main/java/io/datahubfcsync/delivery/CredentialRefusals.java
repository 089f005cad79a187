package io.datahubfcsync.delivery;

import io.datahubfcsync.fc.InvocationResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FC refusing the credentials (expired token, unknown key, wrong secret, access denied) is not the
 * batch's failure: fresh credentials may fix it with the batch unchanged. So it never spends the
 * batch's {@code retry.max-attempts}; the lane backs off (doubling from {@code retry.interval} up to
 * the throttling limit), counts it ({@code credentialFailures}), and the job fails, naming the
 * credential source, only once FC has kept refusing for {@code credentials.failure-grace}.
 */
final class CredentialRefusals {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialRefusals.class);

    private final DeliveryConfig config;

    CredentialRefusals(DeliveryConfig config) {
        this.config = config;
    }

    /**
     * @param nowMs processing time now
     * @return the pause before the batch is tried again
     * @throws CredentialsRefusedException once the refusals outlasted {@code credentials.failure-grace}
     */
    long refused(DeliveryLane lane, InvocationResult result, long nowMs) {
        lane.metrics.credentialFailure();
        if (lane.credentialsRefusedSince < 0) lane.credentialsRefusedSince = nowMs;
        lane.credentialRefusals++;
        lane.lastError = result.describe();
        lane.lastRequestId = result.requestId();
        lane.lastErrorAtMillis = System.currentTimeMillis();
        long refusingFor = nowMs - lane.credentialsRefusedSince;
        if (refusingFor >= config.credentialsFailureGrace().toMillis()) {
            String message = String.format(
                    "%s: Function Compute has refused the credentials from %s for %d ms"
                            + " (credentials.failure-grace=%d ms; last answer: %s). Fix or rotate them (an expired STS"
                            + " token, an unknown access key, a wrong secret, or a RAM policy without"
                            + " fc:InvokeFunction), then restart the job; no record was skipped (shard %s waits at"
                            + " sequence %d).",
                    config.operatorName(),
                    config.credentialSource(),
                    refusingFor,
                    config.credentialsFailureGrace().toMillis(),
                    result.describe(),
                    lane.shardId,
                    lane.inFlight.firstSequence());
            LOG.error(message);
            throw new CredentialsRefusedException(message);
        }
        int doublings = Math.min(lane.credentialRefusals - 1, 20);
        long interval = Math.max(config.retryInterval().toMillis(), 1);
        long delay = Math.min(
                interval << doublings,
                Math.max(interval, config.maxThrottleBackoff().toMillis()));
        if (lane.credentialRefusals == 1 || lane.credentialRefusals % 32 == 0) {
            LOG.warn(
                    "{}: Function Compute refused the credentials from {} for shard {} ({}; {} times for {} ms);"
                            + " not counted against the batch's attempts, trying again in {} ms with the credentials"
                            + " current then",
                    config.operatorName(),
                    config.credentialSource(),
                    lane.shardId,
                    result.describe(),
                    lane.credentialRefusals,
                    refusingFor,
                    delay);
        }
        return delay;
    }

    /** FC accepted the credentials again (whatever the outcome of the call). */
    void accepted(DeliveryLane lane) {
        lane.credentialsRefusedSince = -1;
        lane.credentialRefusals = 0;
    }

    /** The job fails: FC kept refusing the credentials for longer than {@code credentials.failure-grace}. */
    static final class CredentialsRefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CredentialsRefusedException(String message) {
            super(message);
        }
    }
}
