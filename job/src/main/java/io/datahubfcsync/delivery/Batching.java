package io.datahubfcsync.delivery;

import io.datahubfcsync.event.EncodedEvent;
import io.datahubfcsync.event.EventEncoder;
import io.datahubfcsync.event.RecordDataException;
import org.apache.flink.util.function.ThrowingConsumer;

/**
 * When a lane's next batch is due and what goes into it: {@code batch.max-records} and
 * {@code batch.max-bytes} cut it, and a partial batch waits up to {@code batch.max-wait} (on a
 * timer, never on the task thread) for more records unless the input has ended.
 */
final class Batching {
    private final DeliveryConfig config;
    private final EventEncoder encoder;
    private final LaneTimers timers;

    Batching(DeliveryConfig config, EventEncoder encoder, LaneTimers timers) {
        this.config = config;
        this.encoder = encoder;
        this.timers = timers;
    }

    boolean isFull(DeliveryLane lane) {
        return lane.waitingRecords() >= config.batchMaxRecords() || lane.waitingPayloadBytes >= config.batchMaxBytes();
    }

    /** A record joined the lane: a batch that became full no longer waits for {@code batch.max-wait}. */
    void recordAdded(DeliveryLane lane) {
        if (lane.phase == DeliveryLane.Phase.WAITING_FOR_MORE && isFull(lane)) {
            lane.phase = DeliveryLane.Phase.IDLE;
            timers.cancel(lane);
        }
    }

    /** Input ended: partial batches no longer wait. */
    void inputEnded(DeliveryLane lane) {
        if (lane.phase == DeliveryLane.Phase.WAITING_FOR_MORE) {
            lane.phase = DeliveryLane.Phase.IDLE;
            timers.cancel(lane);
        }
    }

    /**
     * Whether an idle lane's batch may go now. If it must wait for more records, the lane moves to
     * {@code WAITING_FOR_MORE} and {@code onDue} runs when the wait ends.
     */
    boolean dueNow(DeliveryLane lane, boolean endOfInput, ThrowingConsumer<DeliveryLane, Exception> onDue) {
        long waitMs = config.batchMaxWait().toMillis();
        if (endOfInput || waitMs <= 0 || isFull(lane)) return true;
        long due = lane.openedAt + waitMs;
        if (timers.now() >= due) return true;
        lane.phase = DeliveryLane.Phase.WAITING_FOR_MORE;
        timers.at(lane, due, () -> {
            if (lane.phase == DeliveryLane.Phase.WAITING_FOR_MORE) {
                lane.phase = DeliveryLane.Phase.IDLE;
                onDue.accept(lane);
            }
        });
        return false;
    }

    /** The next batch from the head of the lane's pending records. */
    EncodedEvent cut(DeliveryLane lane) throws RecordDataException {
        return encoder.encode(lane.pending, config.batchMaxRecords(), config.batchMaxBytes());
    }

    /** Exactly the batch of {@code records} that was out when the restored checkpoint was taken. */
    EncodedEvent recut(DeliveryLane lane, int records) throws RecordDataException {
        return encoder.encode(lane.pending, records, config.batchMaxBytes());
    }

    EventEncoder encoder() {
        return encoder;
    }
}
