package io.datahubfcsync.delivery;

import io.datahubfcsync.event.EncodedEvent;
import io.datahubfcsync.event.RecordDataException;
import io.datahubfcsync.event.ShardRecord;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code on-exhausted} does with a batch that failed {@code retry.max-attempts} times, or with
 * a record that can never be put into an event: suspend the shard, fail the job without restarts
 * (with everything needed to fix and resume in the message), or set it aside in the dead-letter topic.
 */
final class Exhaustion {
    private static final Logger LOG = LoggerFactory.getLogger(Exhaustion.class);

    private final DeliveryConfig config;
    private final DeadLetters deadLetters; // null unless on-exhausted=dead-letter
    private final Suspension suspension;

    Exhaustion(DeliveryConfig config, DeadLetters deadLetters, Suspension suspension) {
        this.config = config;
        this.deadLetters = deadLetters;
        this.suspension = suspension;
    }

    /** The lane's batch failed its last attempt. */
    void exhausted(DeliveryLane lane) {
        if (config.onExhausted() == OnExhausted.DEAD_LETTER) {
            deadLetters.write(lane, "exhausted");
            return;
        }
        if (config.onExhausted() == OnExhausted.SUSPEND) {
            suspension.suspend(lane);
            return;
        }
        lane.exhausted(DeliveryLane.Phase.EXHAUSTED);
        EncodedEvent batch = lane.inFlight;
        String message = String.format(
                "%s: shard %s of DataHub project %s, topic %s is exhausted: records"
                        + " %s:%d..%s:%d (sequences %d..%d, %d records) failed %d attempts (retry.max-attempts=%d)."
                        + " Last error: %s; request id: %s. Nothing from sequence %d of this shard on was delivered."
                        + " The job will not restart by itself: fix the function, then resume from the latest"
                        + " retained checkpoint (or set on-exhausted=dead-letter).",
                config.operatorName(),
                lane.shardId,
                config.project(),
                config.topic(),
                lane.shardId,
                batch.firstSequence(),
                lane.shardId,
                batch.lastSequence(),
                batch.firstSequence(),
                batch.lastSequence(),
                batch.recordCount(),
                lane.failedAttempts,
                config.retryMaxAttempts(),
                lane.lastError,
                lane.lastRequestId == null ? "none" : lane.lastRequestId,
                batch.firstSequence());
        LOG.error(message);
        throw new SuppressRestartsException(new ShardExhaustedException(message));
    }

    /** The record at the head of the lane cannot be put into an event (invalid UTF-8, too large, ...). */
    void undeliverable(DeliveryLane lane, RecordDataException e, EncodedEvent rejected) {
        ShardRecord head = lane.pending.peekFirst();
        lane.batchStarted(rejected);
        lane.lastError = e.getMessage();
        lane.lastRequestId = null;
        lane.undeliverable = true;
        if (config.onExhausted() == OnExhausted.DEAD_LETTER) {
            deadLetters.write(lane, "data-error");
            return;
        }
        if (config.onExhausted() == OnExhausted.SUSPEND) {
            suspension.suspend(lane);
            return;
        }
        lane.exhausted(DeliveryLane.Phase.EXHAUSTED);
        String message = String.format(
                "%s: record %s:%d of DataHub project %s, topic %s (shard %s, sequence %d)"
                        + " cannot be delivered: %s. Nothing from sequence %d of this shard on was delivered."
                        + " The job will not restart by itself: fix the data or the settings, then resume from the"
                        + " latest retained checkpoint (or set on-exhausted=dead-letter to set such records aside).",
                config.operatorName(),
                lane.shardId,
                head.sequence,
                config.project(),
                config.topic(),
                lane.shardId,
                head.sequence,
                e.getMessage(),
                head.sequence);
        LOG.error(message);
        throw new SuppressRestartsException(new ShardExhaustedException(message));
    }
}
