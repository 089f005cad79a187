package io.datahubfcsync.delivery;

import io.datahubfcsync.event.EncodedEvent;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes exhausted or undeliverable batches to {@code dead-letter.topic} on the pool, retrying a
 * failed write after {@code retry.interval} up to {@code retry.max-attempts} times. Writes count as
 * calls out for a savepoint's drain, and a retry whose pause ends while new work is held waits for
 * it, so a stop-with-savepoint writes each dead letter exactly once.
 */
final class DeadLetters {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final DeliveryConfig config;
    private final DeadLetterWriter writer;
    private final OffTaskWork work;
    private final LaneTimers timers;
    private final SavepointDrain drain;
    private final LaneActions actions;
    /** Writes on the wire. */
    private int writing;

    DeadLetters(
            DeliveryConfig config,
            DeadLetterWriter writer,
            OffTaskWork work,
            LaneTimers timers,
            SavepointDrain drain,
            LaneActions actions) {
        this.config = config;
        this.writer = writer;
        this.work = work;
        this.timers = timers;
        this.drain = drain;
        this.actions = actions;
    }

    /** Writes the lane's batch, with {@code reason} {@code exhausted} or {@code data-error}. */
    void write(DeliveryLane lane, String reason) {
        lane.exhausted(DeliveryLane.Phase.DEAD_LETTERING);
        EncodedEvent batch = lane.inFlight;
        DeadLetter letter = DeadLetter.of(
                batch.json(),
                reason,
                config.project(),
                config.topic(),
                lane.shardId,
                batch.firstSequence(),
                batch.lastSequence(),
                batch.recordCount(),
                lane.failedAttempts,
                lane.lastError,
                lane.lastRequestId,
                timers.now());
        write(lane, letter, 0);
    }

    /** True while a write is on the wire. */
    boolean anyWriting() {
        return writing > 0;
    }

    private void write(DeliveryLane lane, DeadLetter letter, int failedWrites) {
        writing++;
        work.run(
                () -> {
                    try {
                        writer.write(letter);
                        return null;
                    } catch (Exception e) {
                        return e;
                    }
                },
                failure -> {
                    writing--;
                    written(lane, letter, failedWrites, failure);
                },
                "dead letter of shard %s",
                lane.shardId);
    }

    private void written(DeliveryLane lane, DeadLetter letter, int failedWritesBefore, Exception failure)
            throws Exception {
        if (lane.phase != DeliveryLane.Phase.DEAD_LETTERING) return;
        EncodedEvent batch = lane.inFlight;
        if (failure == null) {
            LOG.warn(
                    "{}: shard {} sequences {}..{} ({}) went to dead-letter topic {} after {} failed attempts; last error: {}",
                    config.operatorName(),
                    lane.shardId,
                    batch.firstSequence(),
                    batch.lastSequence(),
                    letter.attributes.get("reason"),
                    config.deadLetterTopic(),
                    lane.failedAttempts,
                    lane.lastError);
            lane.metrics.deadLettered(batch.recordCount());
            actions.batchDone(lane);
            return;
        }
        int failedWrites = failedWritesBefore + 1;
        if (failedWrites >= config.retryMaxAttempts()) {
            lane.exhausted(DeliveryLane.Phase.EXHAUSTED);
            String message = String.format(
                    "%s: shard %s of DataHub project %s, topic %s: records %s:%d..%s:%d could"
                            + " neither be delivered (%s) nor written to dead-letter topic %s after %d attempts: %s."
                            + " The job will not restart by itself: fix the dead-letter topic, then resume from the"
                            + " latest retained checkpoint.",
                    config.operatorName(),
                    lane.shardId,
                    config.project(),
                    config.topic(),
                    lane.shardId,
                    batch.firstSequence(),
                    lane.shardId,
                    batch.lastSequence(),
                    lane.lastError,
                    config.deadLetterTopic(),
                    failedWrites,
                    failure);
            LOG.error(message);
            throw new SuppressRestartsException(new ShardExhaustedException(message));
        }
        LOG.warn(
                "{}: writing the dead letter of shard {} to {} failed ({} of {}): {}",
                config.operatorName(),
                lane.shardId,
                config.deadLetterTopic(),
                failedWrites,
                config.retryMaxAttempts(),
                failure.toString());
        timers.after(
                lane,
                config.retryInterval().toMillis(),
                () -> drain.runOrDefer(() -> {
                    if (lane.phase == DeliveryLane.Phase.DEAD_LETTERING) write(lane, letter, failedWrites);
                }));
    }
}
